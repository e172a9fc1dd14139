"""The public claim form, one step a page: views parse and check, the draft keeps the answers.

Nothing is written to the claims tables before the review step's submit (views_public_submit).
"""

from collections.abc import Callable

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from recalldesk.claims.eligibility import eligibility_check
from recalldesk.claims.form_draft import ClaimDraft
from recalldesk.claims.form_steps import (
    FORM_STEPS,
    FORMAT_NAMES,
    draft_currency,
    draft_product,
    error_summary,
    first_incomplete_step,
    next_url,
    private,
    program_or_404,
    remedy_options,
    step_context,
    step_url,
)
from recalldesk.claims.forms_public import (
    PAYOUT_HINTS,
    ContactForm,
    ModelSerialForm,
    ProductForm,
    ProofForm,
    RemedyForm,
)
from recalldesk.claims.models import Country, Remedy
from recalldesk.claims.remedies import RemedyUnavailable
from recalldesk.ratelimit import ratelimit


def _posted(request: HttpRequest):
    # An empty POST is still an answer (with every field missing), not a first visit.
    return request.POST if request.method == "POST" else None


def render_step(
    request: HttpRequest, draft: ClaimDraft, name: str, form: forms.Form, extra: dict, status: int
) -> HttpResponse:
    context = step_context(draft, name)
    context.update({"form": form, "errors": error_summary(form) if form.is_bound else []})
    context.update(extra)
    return private(render(request, f"claims/public/step_{name}.html", context, status=status))


def claim_start(request: HttpRequest, program_slug: str) -> HttpResponse:
    """What the owner needs before starting, and a way to continue or start again."""
    program = program_or_404(program_slug)
    draft = ClaimDraft(session=request.session, program=program)
    if request.method == "POST" and request.POST.get("action") == "restart":
        draft.clear()
        return redirect("claims:step", program.slug, "product")
    context = {
        "program": program,
        "recall": program.recall,
        "products": list(program.products.all()),
        "draft_started": draft.is_started,
        "continue_url": next_url(draft) if draft.is_started else "",
        "first_url": step_url(program, "product"),
    }
    return private(render(request, "claims/public/start.html", context))


# One handler per step: (request, draft, form data or None) -> response or a form to render.


def _product_step(request: HttpRequest, draft: ClaimDraft) -> HttpResponse:
    initial = {"product": draft.get("product_id"), "country": draft.get("country")}
    form = ProductForm(_posted(request), program=draft.program, initial=initial)
    if form.is_bound and form.is_valid():
        product = form.products[form.cleaned_data["product"]]
        if product.id != draft.get("product_id"):
            draft.update({"product_id": product.id, "model_number": product.model_number})
            draft.mark_undone("model")
        draft.update({"country": form.cleaned_data["country"]})
        draft.mark_done("product")
        return redirect(next_url(draft))
    return render_step(request, draft, "product", form, {}, 400 if form.is_bound else 200)


def _model_step(request: HttpRequest, draft: ClaimDraft) -> HttpResponse:
    product = draft_product(draft)
    initial = {
        "model_number": draft.get("model_number") or (product.model_number if product else ""),
        "serial_number": draft.get("serial_number", ""),
    }
    form = ModelSerialForm(
        _posted(request),
        program=draft.program,
        check_url=reverse("claims:eligibility", args=[draft.program.slug]),
        serial_help=product.serial_help if product else "",
        initial=initial,
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        draft.update(
            {
                "model_number": data["model_number"],
                "serial_number": data["serial_number"],
                "product_id": form.eligibility.product.id,
            }
        )
        draft.mark_done("model")
        return redirect(next_url(draft))
    eligibility = None
    if not form.is_bound and initial["model_number"] and initial["serial_number"]:
        eligibility = eligibility_check(
            program=draft.program,
            model_number=initial["model_number"],
            serial_number=initial["serial_number"],
        )
    extra = {"product": product, "eligibility": eligibility}
    return render_step(request, draft, "model", form, extra, 400 if form.is_bound else 200)


def _proof_step(request: HttpRequest, draft: ClaimDraft) -> HttpResponse:
    stored = {key: draft.upload_get(key=key) for key in draft.upload_keys()}
    stored = {key: upload for key, upload in stored.items() if upload is not None}
    amount = draft.get("receipt_amount")
    form = ProofForm(
        _posted(request),
        request.FILES if request.method == "POST" else None,
        program=draft.program,
        stored=stored,
        currency=draft_currency(draft),
        initial={"receipt_amount": amount or ""},
    )
    if form.is_bound:
        valid = form.is_valid()
        # Files that passed are kept even when another field failed: no second upload needed.
        for name, (upload, validated) in form.checked.items():
            draft.upload_put(
                key=name,
                upload=upload,
                extension=validated.extension,
                content_type=validated.content_type,
                label=form.file_label(name),
            )
        if valid:
            if form.cleaned_data.get("remove_receipt") and "receipt" not in form.checked:
                draft.upload_remove(key="receipt")
            amount = form.cleaned_data["receipt_amount"]
            draft.update({"receipt_amount": str(amount) if amount is not None else None})
            draft.mark_done("proof")
            return redirect(next_url(draft))
    items = {
        name: {
            "field": form[name],
            "stored": (stored_upload := draft.upload_get(key=name)),
            "format": FORMAT_NAMES.get(stored_upload.content_type, "file") if stored_upload else "",
        }
        for name, field in form.fields.items()
        if isinstance(field, forms.FileField)
    }
    extra = {
        "receipt": items.get("receipt"),
        "photos": [item for name, item in items.items() if name.startswith("photo-")],
        "destruction": items.get("destruction"),
    }
    return render_step(request, draft, "proof", form, extra, 400 if form.is_bound else 200)


def _remedy_step(request: HttpRequest, draft: ClaimDraft) -> HttpResponse:
    product = draft_product(draft)
    if product is None:  # the program's products changed under the draft
        draft.mark_undone("product")
        return redirect(next_url(draft))
    try:
        options = remedy_options(draft, product)
    except RemedyUnavailable as error:
        form = RemedyForm(options=[])
        extra = {"remedy_problem": " ".join(error.messages)}
        return render_step(request, draft, "remedy", form, extra, 200)
    initial = {"remedy": draft.get("remedy")}
    form = RemedyForm(_posted(request), options=options, initial=initial)
    if form.is_bound and form.is_valid():
        remedy = form.cleaned_data["remedy"]
        draft.update({"remedy": remedy})
        if remedy == Remedy.REFUND and draft.get("payout_method") in {None, "none"}:
            draft.mark_undone("contact")
        draft.mark_done("remedy")
        return redirect(next_url(draft))
    extra = {
        "remedy_choices": [
            {"radio": radio, "hint": option["hint"]}
            for radio, option in zip(form["remedy"], options, strict=True)
        ],
        "has_receipt": draft.get("receipt_amount") is not None,
    }
    return render_step(request, draft, "remedy", form, extra, 400 if form.is_bound else 200)


CONTACT_FIELDS = [
    "owner_name",
    "email",
    "phone",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "payout_method",
    "paypal_email",
]


def _contact_step(request: HttpRequest, draft: ClaimDraft) -> HttpResponse:
    refund = draft.get("remedy") == Remedy.REFUND
    initial = {name: draft.get(name) for name in CONTACT_FIELDS if draft.get(name)}
    if initial.get("payout_method") == "none":
        del initial["payout_method"]
    form = ContactForm(
        _posted(request), country=draft.get("country"), refund=refund, initial=initial
    )
    if form.is_bound and form.is_valid():
        data = {name: form.cleaned_data.get(name, "") for name in CONTACT_FIELDS}
        data["payout_method"] = data["payout_method"] or "none"
        if data["payout_method"] != "paypal":
            data["paypal_email"] = ""
        draft.update(data)
        draft.mark_done("contact")
        return redirect(next_url(draft))
    extra = {
        "country_name": Country(draft.get("country")).label if draft.get("country") else "",
        "payout_choices": [
            {"radio": radio, "hint": PAYOUT_HINTS[radio.data["value"]]}
            for radio in form["payout_method"]
        ]
        if refund
        else [],
    }
    return render_step(request, draft, "contact", form, extra, 400 if form.is_bound else 200)


STEP_HANDLERS: dict[str, Callable[[HttpRequest, ClaimDraft], HttpResponse]] = {
    "product": _product_step,
    "model": _model_step,
    "proof": _proof_step,
    "remedy": _remedy_step,
    "contact": _contact_step,
}


@require_http_methods(["GET", "POST"])
def claim_step(request: HttpRequest, program_slug: str, step: str) -> HttpResponse:
    """One step of the form: show it with the answers so far, or check and keep new ones."""
    if step not in STEP_HANDLERS:
        raise Http404("There is no such step in the claim form.")
    program = program_or_404(program_slug)
    draft = ClaimDraft(session=request.session, program=program)
    open_step = first_incomplete_step(draft)
    if open_step is not None and FORM_STEPS.index(open_step) < FORM_STEPS.index(step):
        return redirect(step_url(program, open_step))
    return STEP_HANDLERS[step](request, draft)


@ratelimit(scope="claim-eligibility", limit=120, window_seconds=60)
@require_http_methods(["GET"])
def claim_eligibility(request: HttpRequest, program_slug: str) -> HttpResponse:
    """The verdict for a model and serial number as the owner types them (htmx)."""
    program = program_or_404(program_slug)
    model_number = request.GET.get("model_number", "").strip()[:100]
    serial_number = request.GET.get("serial_number", "").strip()[:60]
    eligibility = None
    if model_number:
        eligibility = eligibility_check(
            program=program, model_number=model_number, serial_number=serial_number or None
        )
    context = {"eligibility": eligibility, "program": program}
    return private(render(request, "claims/public/_eligibility.html", context))
