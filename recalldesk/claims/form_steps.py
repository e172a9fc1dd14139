"""The claim form's steps: their order, where each lives, what the draft answers so far imply.

Shared by the step views (views_public) and the review and submit (views_public_submit).
"""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control

from recalldesk.claims.form_draft import ClaimDraft
from recalldesk.claims.forms_public import ProofForm
from recalldesk.claims.models import Program, ProgramProduct, Remedy
from recalldesk.claims.remedies import remedy_amounts
from recalldesk.claims.selectors import program_get_public


@dataclass(frozen=True)
class Step:
    name: str
    title: str


STEPS = [
    Step("product", "Your product"),
    Step("model", "Model and serial number"),
    Step("proof", "Receipt and photos"),
    Step("remedy", "Refund or store credit"),
    Step("contact", "Contact and payout"),
    Step("review", "Check and submit"),
]
FORM_STEPS = [step.name for step in STEPS[:-1]]
STEP_TITLES = {step.name: step.title for step in STEPS}
FORMAT_NAMES = {
    "image/jpeg": "JPEG photo",
    "image/png": "PNG image",
    "image/webp": "WebP image",
    "image/heic": "HEIC photo",
    "image/heif": "HEIF photo",
    "application/pdf": "PDF",
}


def program_or_404(slug: str) -> Program:
    program = program_get_public(slug=slug)
    if program is None:
        raise Http404("This claim form is not open: the program may have closed.")
    return program


def private(response: HttpResponse) -> HttpResponse:
    """The answers are personal: no shared cache or back-button copy may keep them."""
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response


def draft_product(draft: ClaimDraft) -> ProgramProduct | None:
    product_id = draft.get("product_id")
    if product_id is None:
        return None
    return next((p for p in draft.program.products.all() if p.id == product_id), None)


def draft_currency(draft: ClaimDraft) -> str:
    currencies = draft.program.currencies or {}
    return currencies.get(draft.get("country"), next(iter(currencies.values()), "USD"))


def draft_receipt_amount(draft: ClaimDraft) -> Decimal | None:
    raw = draft.get("receipt_amount")
    return Decimal(raw) if raw else None


def first_incomplete_step(draft: ClaimDraft) -> str | None:
    """The first step still to answer; a proof step whose files were cleaned away counts."""
    if draft.is_done("proof"):
        expected = ProofForm(program=draft.program, stored={}, currency="USD").fields
        for name, field in expected.items():
            required = isinstance(field, forms.FileField) and field.required
            if required and draft.upload_get(key=name) is None:
                draft.mark_undone("proof")
                break
    for name in FORM_STEPS:
        if not draft.is_done(name):
            return name
    return None


def step_url(program: Program, name: str) -> str:
    if name == "review":
        return reverse("claims:review", args=[program.slug])
    return reverse("claims:step", args=[program.slug, name])


def next_url(draft: ClaimDraft) -> str:
    return step_url(draft.program, first_incomplete_step(draft) or "review")


def error_summary(form: forms.Form) -> list[dict]:
    """Each error once, with the id of the field it belongs to, for the summary's links."""
    items = []
    for name, errors in form.errors.items():
        if name == forms.forms.NON_FIELD_ERRORS:
            items.extend({"anchor": "", "message": message} for message in errors)
            continue
        field = form[name]
        anchor = field.auto_id
        if isinstance(field.field.widget, forms.RadioSelect):
            anchor = f"{field.auto_id}_0"
        items.extend({"anchor": anchor, "message": message} for message in errors)
    return items


def step_context(draft: ClaimDraft, current: str) -> dict:
    """The program, the progress list and where this step sits in it."""
    open_step = first_incomplete_step(draft) or "review"
    reachable = True
    steps = []
    for index, step in enumerate(STEPS, start=1):
        steps.append(
            {
                "number": index,
                "name": step.name,
                "title": step.title,
                "url": step_url(draft.program, step.name) if reachable else "",
                "done": draft.is_done(step.name),
                "current": step.name == current,
            }
        )
        if step.name == open_step:
            reachable = False
    index = [step.name for step in STEPS].index(current)
    return {
        "program": draft.program,
        "recall": draft.program.recall,
        "steps": steps,
        "step": steps[index],
        "step_count": len(STEPS),
        "back_url": step_url(draft.program, STEPS[index - 1].name) if index else "",
    }


def remedy_options(draft: ClaimDraft, product: ProgramProduct) -> list[dict]:
    """The remedies this program offers the owner, with the amount of each in their currency."""
    program = draft.program
    receipt_amount = draft_receipt_amount(draft)
    amounts = remedy_amounts(
        program=program,
        product=product,
        currency=draft_currency(draft),
        receipt_amount=receipt_amount,
    )
    options = []
    if amounts.refund is not None:
        basis = (
            "the amount on your receipt"
            if receipt_amount is not None
            else "the model's average price, as you have no receipt"
        )
        options.append(
            {
                "value": Remedy.REFUND,
                "name": "Refund",
                "label": f"Refund {amounts.refund}",
                "amount": amounts.refund,
                "hint": f"Money back: {basis}. Paid by check, PayPal or bank transfer.",
            }
        )
    if amounts.store_credit is not None:
        bonus = (program.store_credit_bonus_rate or Decimal(0)) * 100
        options.append(
            {
                "value": Remedy.STORE_CREDIT,
                "name": "Store credit",
                "label": f"Store credit {amounts.store_credit}",
                "amount": amounts.store_credit,
                "hint": f"{bonus.normalize():f}% more, as a code to spend at "
                f"{program.firm_account.name}'s store, sent to you by e-mail.",
            }
        )
    if program.replacement_offered:
        options.append(
            {
                "value": Remedy.REPLACEMENT,
                "name": "Replacement",
                "label": "Replacement",
                "amount": None,
                "hint": "A new product that is not part of the recall, shipped to your address.",
            }
        )
    if program.repair_offered:
        options.append(
            {
                "value": Remedy.REPAIR,
                "name": "Repair",
                "label": "Repair",
                "amount": None,
                "hint": "Your product repaired and returned; we send you the instructions.",
            }
        )
    return options
