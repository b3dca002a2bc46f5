"""The fields of the web application form, per kind, in the order shown.

Each field's `name` is its dotted path in the application JSON of CONTRACT.md, so form data,
validation errors and the PDF reader all speak the same names. Labels and hints are English
msgids (marked with `N_` for `pybabel extract`), translated when the page is rendered.
"""
from __future__ import annotations

from dataclasses import dataclass

from models.money.payout_rules import PROVIDER_NAMES

KINDS = ("grant", "shelter", "visa")


def N_(text: str) -> str:  # noqa: N802 - the gettext marker pybabel knows
    return text


@dataclass(frozen=True)
class WebField:
    name: str
    type: str  # text email tel textarea number decimal date country select checkboxes checkbox
    label: str
    hint: str = ""
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()
    maxlength: int | None = 200
    autocomplete: str = "off"

    @property
    def id(self) -> str:
        return "f-" + self.name.replace(".", "-")


@dataclass(frozen=True)
class Section:
    legend: str
    fields: tuple[WebField, ...]
    hint: str = ""


THREAT_TYPES = (
    ("death_threat", N_("Death threat")),
    ("physical_attack", N_("Physical attack")),
    ("sexual_violence", N_("Sexual violence")),
    ("surveillance", N_("Surveillance")),
    ("online_harassment", N_("Online harassment")),
    ("criminalisation", N_("Criminalisation (charges, arrest)")),
    ("raid", N_("Raid of home or office")),
    ("smear_campaign", N_("Smear campaign")),
    ("family_threat", N_("Threats to family")),
    ("other", N_("Other")),
)
PERPETRATORS = (
    ("unknown", N_("I do not know")),
    ("state", N_("State (police, army, officials)")),
    ("non_state_armed", N_("Armed group")),
    ("corporate", N_("Company")),
    ("family_or_community", N_("Family or community")),
)
CURRENCIES = (("EUR", "EUR"), ("USD", "USD"), ("GBP", "GBP"))

ABOUT_YOU = Section(N_("About you"), (
    WebField("applicant.name", "text", N_("Your name"),
             N_("The name we should use for you. It is kept encrypted."), required=True),
    WebField("applicant.email", "email", N_("E-mail"),
             N_("Give an e-mail address or a phone number, or both."), autocomplete="off"),
    WebField("applicant.phone", "tel", N_("Phone"), N_("With the country code, e.g. +57."),
             maxlength=40),
    WebField("applicant.country", "country", N_("Country where you are now"), required=True),
    WebField("applicant.organisation", "text", N_("Organisation or collective"),
             N_("Optional.")),
    WebField("applicant.pronouns", "text", N_("Pronouns"), N_("Optional."), maxlength=40),
))

THREAT = Section(N_("What is happening"), (
    WebField("threat.description", "textarea", N_("What happened, and what do you fear?"),
             N_("Plain words are fine. Do not include passwords."), required=True,
             maxlength=4000),
    WebField("threat.types", "checkboxes", N_("Kinds of threat"),
             N_("Choose all that apply."), required=True, options=THREAT_TYPES),
    WebField("threat.imminent", "checkbox", N_("The danger is immediate (next few days)")),
    WebField("threat.perpetrator", "select", N_("Who is behind the threat?"),
             options=PERPETRATORS),
    WebField("threat.prior_attacks", "number", N_("Earlier attacks"),
             N_("How many times you were attacked before. 0 if none."), maxlength=4),
    WebField("dependants", "number", N_("People who depend on you"),
             N_("Children or others you support. 0 if none."), maxlength=2),
))

ENDORSER = Section(N_("Someone who can vouch for you"), (
    WebField("endorser.name", "text", N_("Their name")),
    WebField("endorser.organisation", "text", N_("Their organisation"), N_("Optional.")),
    WebField("endorser.contact", "text", N_("How to reach them"),
             N_("E-mail or phone. We contact them discreetly.")),
), hint=N_("Optional, but it helps us decide faster."))

REQUESTS: dict[str, Section] = {
    "grant": Section(N_("What you ask for"), (
        WebField("request.amount", "decimal", N_("Amount"), N_("Numbers only, e.g. 3000."),
                 required=True, maxlength=20),
        WebField("request.currency", "select", N_("Currency"), required=True,
                 options=CURRENCIES),
        WebField("request.purpose", "textarea", N_("What will the money pay for?"),
                 N_("For example: moving house, locks, a lawyer, medical care."),
                 required=True, maxlength=4000),
        WebField("request.other_funds", "textarea",
                 N_("Have you asked other funds for this same need?"),
                 N_("Optional. Which funds, how much, and what they answered. It does not "
                    "count against you."), maxlength=1000),
    )),
    "shelter": Section(N_("What you ask for"), (
        WebField("request.people", "number", N_("How many people need a place?"),
                 N_("Count yourself too."), required=True, maxlength=2),
        WebField("request.children", "number", N_("Of them, how many are children?"),
                 maxlength=2),
        WebField("request.from_date", "date", N_("From which date?"), N_("Format: YYYY-MM-DD."),
                 required=True, maxlength=10),
        WebField("request.nights", "number", N_("For how many nights?"), required=True,
                 maxlength=3),
        WebField("request.needs", "textarea", N_("Special needs"),
                 N_("Optional. For example: wheelchair access, language, medicines."),
                 maxlength=2000),
    )),
    "visa": Section(N_("What you ask for"), (
        WebField("request.destination_country", "country", N_("Country you need to go to"),
                 required=True),
        WebField("request.passport_valid_until", "date", N_("Passport valid until"),
                 N_("Format: YYYY-MM-DD. Leave empty if you have no passport."), maxlength=10),
        WebField("request.family_members", "number", N_("Family members travelling with you"),
                 N_("0 if none."), maxlength=2),
        WebField("request.purpose", "textarea", N_("Why do you need to travel?"),
                 required=True, maxlength=4000),
    )),
}

TITLES = {"grant": N_("Emergency grant"), "shelter": N_("Safe place to stay"),
          "visa": N_("Humanitarian visa")}
SUMMARIES = {
    "grant": N_("Money for urgent protection: security, moving, legal or medical costs."),
    "shelter": N_("A safe house for you and the people with you, for a while."),
    "visa": N_("Help to obtain a visa to leave the country safely."),
}


# How she wants the money (issue 17): optional, grants only; only the chosen rail's fields
# are kept (forms/web/payout.py). Checked in her country by models/money/payout_rules.py.
PAYOUT_RAILS = (
    ("", N_("Not now: I will give them later")),
    ("mobile_money", N_("Mobile money")),
    ("bank_wire", N_("Bank transfer")),
    ("money_transfer_agent", N_("Cash at a money-transfer agent")),
    ("cash_via_partner", N_("Cash through a partner organisation")),
    ("vendor_direct", N_("Paid directly to a landlord, lawyer or clinic")),
    ("stripe_connect", N_("To a partner organisation's Stripe account")),
)
PAYOUT = Section(N_("How you want to receive the money"), (
    WebField("payout.rail", "select", N_("How to pay you"), options=PAYOUT_RAILS),
    WebField("payout.provider", "select", N_("Mobile-money provider"), N_("For mobile money."),
             options=(("", N_("Choose a provider")), *sorted(
                 PROVIDER_NAMES.items(), key=lambda item: item[1].casefold()))),
    WebField("payout.phone", "tel", N_("Mobile number that receives the money"),
             N_("For mobile money. With the country code, e.g. +254."), maxlength=40),
    WebField("payout.account_name", "text", N_("Name on the bank account"),
             N_("For a bank transfer.")),
    WebField("payout.iban", "text", N_("IBAN"),
             N_("For a bank transfer: the IBAN, or else the account number."), maxlength=42),
    WebField("payout.account_number", "text", N_("Account number"),
             N_("If your bank has no IBAN."), maxlength=40),
    WebField("payout.bic", "text", N_("BIC (SWIFT code)"), N_("Optional."), maxlength=11),
    WebField("payout.pickup_name", "text", N_("Your name as on your ID"),
             N_("For cash at a money-transfer agent.")),
    WebField("payout.pickup_city", "text", N_("City where you will collect the cash")),
    WebField("payout.partner", "text", N_("Partner organisation"),
             N_("For cash through a partner organisation.")),
    WebField("payout.vendor_name", "text", N_("Who we pay: landlord, lawyer or clinic"),
             N_("For paying a bill directly.")),
    WebField("payout.invoice_reference", "text", N_("Invoice or bill number")),
    WebField("payout.account", "text", N_("Stripe account id (acct_...)"),
             N_("Only for partner organisations with a Stripe account.")),
), hint=N_("Optional: you can also give them later with your receipt code. Only our finance "
           "staff see them."))


def sections_for(kind: str) -> tuple[Section, ...]:
    if kind == "grant":
        return (ABOUT_YOU, THREAT, REQUESTS[kind], PAYOUT, ENDORSER)
    return (ABOUT_YOU, THREAT, REQUESTS[kind], ENDORSER)


def fields_for(kind: str) -> tuple[WebField, ...]:
    return tuple(f for s in sections_for(kind) for f in s.fields)
