"""The SMTP sink receives real SMTP and keeps the envelope."""

import smtplib
from email.message import EmailMessage

import pytest

from tests.support.smtp import SmtpSink


def _mail(subject: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "noreply@amparo.test"
    msg["To"] = "case-team@example.org"
    msg["Subject"] = subject
    msg.set_content("Your request R-TEST-0001 was received.\nSu solicitud fue recibida.")
    return msg


def test_receives_messages_with_envelope(smtp_sink: SmtpSink) -> None:
    with smtplib.SMTP(smtp_sink.host, smtp_sink.port, timeout=10) as client:
        client.send_message(_mail("Solicitud recibida"), to_addrs=["case-team@example.org",
                                                                   "bcc@example.org"])
    [msg] = smtp_sink.wait_for(1, timeout=10)
    assert msg["Subject"] == "Solicitud recibida"
    assert msg.mail_from == "noreply@amparo.test"
    assert msg.rcpt_tos == ["case-team@example.org", "bcc@example.org"]
    assert "recibida" in msg.get_content()


def test_wait_for_times_out_clearly(smtp_sink: SmtpSink) -> None:
    with pytest.raises(AssertionError, match="expected 1 mail"):
        smtp_sink.wait_for(1, timeout=0.3)


def test_context_manager_and_clear() -> None:
    with SmtpSink() as sink:
        with smtplib.SMTP(sink.host, sink.port, timeout=10) as client:
            client.send_message(_mail("one"))
            client.send_message(_mail("two"))
        assert [m["Subject"] for m in sink.wait_for(2)] == ["one", "two"]
        sink.clear()
        assert sink.messages == []
