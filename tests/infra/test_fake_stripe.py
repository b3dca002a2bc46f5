"""The fake Stripe server, driven by the official SDK (stripe 16.x)."""

import json
import time
import urllib.error
import urllib.request

import pytest
import stripe

from tests.support.fake_stripe import FakeStripe, make_event, signed_webhook

ACCT = "acct_1TestRecipient0001"


def _client(fake: FakeStripe, **kwargs) -> stripe.StripeClient:
    return stripe.StripeClient("sk_test_fake", base_addresses={"api": fake.url}, **kwargs)


def _params(amount: int = 300000, disbursement: str = "dsb_test_1") -> dict:
    return {"amount": amount, "currency": "eur", "destination": ACCT,
            "metadata": {"disbursement_id": disbursement}}


def test_create_transfer_wire_format(fake_stripe: FakeStripe) -> None:
    transfer = _client(fake_stripe).v1.transfers.create(
        params=_params(), options={"idempotency_key": "disb-dsb_test_1"})
    assert transfer.id.startswith("tr_") and transfer.object == "transfer"
    assert (transfer.amount, transfer.currency, transfer.destination) == (300000, "eur", ACCT)
    assert transfer.metadata["disbursement_id"] == "dsb_test_1"
    assert transfer.reversed is False and isinstance(transfer.created, int)
    [req] = fake_stripe.requests_to("POST", "/v1/transfers")
    assert req.headers["content-type"] == "application/x-www-form-urlencoded"
    assert req.headers["authorization"] == "Bearer sk_test_fake"
    assert req.params == {"amount": "300000", "currency": "eur", "destination": ACCT,
                          "metadata": {"disbursement_id": "dsb_test_1"}}


def test_same_idempotency_key_gives_one_transfer(fake_stripe: FakeStripe) -> None:
    client = _client(fake_stripe)
    first = client.v1.transfers.create(params=_params(), options={"idempotency_key": "k-1"})
    again = client.v1.transfers.create(params=_params(), options={"idempotency_key": "k-1"})
    assert first.id == again.id
    assert list(fake_stripe.transfers) == [first.id]
    with pytest.raises(stripe.IdempotencyError, match="same parameters"):
        client.v1.transfers.create(params=_params(amount=1), options={"idempotency_key": "k-1"})
    assert len(fake_stripe.transfers) == 1


def test_sdk_retries_after_500_with_same_key(fake_stripe: FakeStripe) -> None:
    fake_stripe.fail_next(1, status=500)
    client = _client(fake_stripe, max_network_retries=2)
    transfer = client.v1.transfers.create(params=_params(), options={"idempotency_key": "k-2"})
    posts = fake_stripe.requests_to("POST", "/v1/transfers")
    assert len(posts) == 2
    assert {p.headers["idempotency-key"] for p in posts} == {"k-2"}
    assert list(fake_stripe.transfers) == [transfer.id]


def test_lost_response_then_retry_replays(fake_stripe: FakeStripe) -> None:
    fake_stripe.timeout_next(1, seconds=2)
    client = _client(fake_stripe, max_network_retries=2,
                     http_client=stripe.RequestsClient(timeout=0.5))
    transfer = client.v1.transfers.create(params=_params(), options={"idempotency_key": "k-3"})
    assert len(fake_stripe.requests_to("POST", "/v1/transfers")) == 2
    assert list(fake_stripe.transfers) == [transfer.id]


def test_fail_without_retries_raises(fake_stripe: FakeStripe) -> None:
    fake_stripe.fail_next(1, status=503)
    with pytest.raises(stripe.APIError):
        _client(fake_stripe).v1.transfers.create(params=_params())
    assert fake_stripe.transfers == {}


def test_list_filters_and_pages(fake_stripe: FakeStripe) -> None:
    client = _client(fake_stripe)
    fake_stripe.frozen_time = 1_700_000_000
    old = client.v1.transfers.create(params=_params(disbursement="old"))
    fake_stripe.frozen_time = 1_700_000_100
    new = [client.v1.transfers.create(params=_params(disbursement=f"n{i}")) for i in range(3)]
    recent = client.v1.transfers.list(params={"created": {"gte": 1_700_000_050}, "limit": 10})
    assert [t.id for t in recent.data] == [t.id for t in reversed(new)]
    first = client.v1.transfers.list(params={"limit": 2})
    assert first.has_more is True and len(first.data) == 2
    rest = client.v1.transfers.list(params={"limit": 2, "starting_after": first.data[-1].id})
    assert rest.has_more is False
    assert [t.id for t in rest.data] == [new[0].id, old.id]
    assert client.v1.transfers.retrieve(old.id).metadata["disbursement_id"] == "old"


def test_reversal_marks_transfer_reversed(fake_stripe: FakeStripe) -> None:
    client = _client(fake_stripe)
    transfer = client.v1.transfers.create(params=_params())
    reversal = client.v1.transfers.reversals.create(transfer.id, params={})
    assert reversal.object == "transfer_reversal" and reversal.amount == 300000
    assert client.v1.transfers.retrieve(transfer.id).reversed is True
    assert fake_stripe.transfers[transfer.id]["amount_reversed"] == 300000
    with pytest.raises(stripe.InvalidRequestError, match="already been reversed"):
        client.v1.transfers.reversals.create(transfer.id, params={})


def test_payouts_balance_and_missing_objects(fake_stripe: FakeStripe) -> None:
    client = _client(fake_stripe)
    paid = fake_stripe.add_payout(ACCT, 300000, "eur", "paid")
    fake_stripe.add_payout("acct_1OtherRecipient002", 5000, "eur", "failed")
    mine = client.v1.payouts.list(params={"limit": 10}, options={"stripe_account": ACCT})
    assert [p.id for p in mine.data] == [paid["id"]] and mine.data[0].status == "paid"
    assert len(client.v1.payouts.list().data) == 2
    assert fake_stripe.payout_account(paid["id"]) == ACCT
    eur = [b for b in client.v1.balance.retrieve().available if b.currency == "eur"]
    assert eur[0].amount > 0
    with pytest.raises(stripe.InvalidRequestError, match="No such transfer"):
        client.v1.transfers.retrieve("tr_doesnotexist")


def test_missing_api_key_is_401(fake_stripe: FakeStripe) -> None:
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(fake_stripe.url + "/v1/balance", timeout=5)
    assert err.value.code == 401
    assert json.loads(err.value.read())["error"]["type"] == "invalid_request_error"
    with pytest.raises(stripe.AuthenticationError):
        stripe.StripeClient("sk_live_nope", base_addresses={"api": fake_stripe.url}
                            ).v1.balance.retrieve()


def test_signed_webhook_verifies_with_sdk(fake_stripe: FakeStripe) -> None:
    payout = fake_stripe.add_payout(ACCT, 300000)
    event = make_event("payout.paid", payout, event_id="evt_test_1", account=ACCT)
    body, header = signed_webhook(event, "whsec_test_secret")
    verified = stripe.Webhook.construct_event(body, header, "whsec_test_secret")
    assert verified.id == "evt_test_1" and verified.type == "payout.paid"
    assert verified.account == ACCT and verified.data.object.id == payout["id"]
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body.replace(b"300000", b"900000"), header,
                                       "whsec_test_secret")
    stale_body, stale = signed_webhook(event, "whsec_test_secret",
                                       timestamp=int(time.time()) - 3600)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(stale_body, stale, "whsec_test_secret")
