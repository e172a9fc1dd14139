"""The firm's program and claim pages: parse, call a service or selector, render.

Every page finds its program or claim through the selectors, which answer "not found" (404)
to another firm's staff; a member whose role does not allow a change gets 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format

from recalldesk.accounts.models import FirmAccount
from recalldesk.accounts.permissions import REGULATOR, role_can
from recalldesk.accounts.selectors import role_for, scope_to_user
from recalldesk.accounts.services import require_role
from recalldesk.claims import forms_staff, programs, selectors
from recalldesk.claims.eligibility import eligibility_check, serial_rule_describe
from recalldesk.claims.models import Claim, ClaimStatus, Country, Program, ProgramProduct
from recalldesk.identify.normalize import normalize_identifier
from recalldesk.money import Money

CLAIMS_PAGE_SIZE = 50
STATUS_LABELS = dict(ClaimStatus.choices)


def program_state(program: Program) -> str:
    """Whether owners can file claims now, in words."""
    now = timezone.now()
    if program.opens_at > now:
        return f"Not yet: opens on {date_format(timezone.localtime(program.opens_at), 'F j, Y')}"
    if program.closes_at is not None and program.closes_at <= now:
        return f"Closed on {date_format(timezone.localtime(program.closes_at), 'F j, Y')}"
    return "Open"


def _editable_firms(user):
    return scope_to_user(
        user=user, queryset=FirmAccount.objects.all(), firm_field="pk", action="program.edit"
    )


def _error_text(error: programs.ProgramInvalid) -> str:
    return " ".join(error.messages)


def _program_context(request: HttpRequest, program: Program) -> dict:
    role = role_for(user=request.user, firm_account=program.firm_account)
    return {
        "program": program,
        "role": role,
        "is_regulator": role == REGULATOR,
        "can_edit": role_can(role, "program.edit"),
    }


@login_required
def program_list(request: HttpRequest) -> HttpResponse:
    """The programs of the user's firms (every firm's for a regulator)."""
    programs_seen = selectors.programs_for_user(user=request.user)
    context = {
        "rows": [(program, program_state(program)) for program in programs_seen],
        "can_create": _editable_firms(request.user).exists(),
    }
    return render(request, "claims/staff/program_list.html", context)


@login_required
def program_create(request: HttpRequest) -> HttpResponse:
    """Start a program for one of the firm's recalls, chosen by its number."""
    firms = _editable_firms(request.user)
    if not firms.exists():
        raise Http404("You are not allowed to set up programs for any firm.")
    initial = {"recall_number": request.GET.get("recall", ""), "claims_per_contact_threshold": 3}
    initial.update(refund_offered=True, currency_us="USD")
    form = forms_staff.ProgramCreateForm(request.POST or None, firm_accounts=firms, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                program = programs.program_create(
                    actor=request.user,
                    firm_account=form.cleaned_data["firm_account"],
                    recall=form.cleaned_data["recall_number"],
                    terms=form.terms(),
                )
            except programs.ProgramInvalid as error:
                form.add_error(None, _error_text(error))
            else:
                messages.success(request, f"{program.name} was created; now add its products.")
                return redirect("claims_staff:product_add", program.slug)
    context = {"form": form, "title": "Start a program"}
    return render(request, "claims/staff/program_form.html", context, status=status)


@login_required
def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A program's products, proof, remedies, currencies, disposal and dates."""
    program = selectors.program_get_for_user(user=request.user, slug=slug)
    # The program is already one the user may read, and every role that reads programs
    # reads their claims.
    counts = dict(
        Claim.objects.filter(program=program)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    products = [(product, serial_rule_describe(product)) for product in program.products.all()]
    context = {
        **_program_context(request, program),
        "state": program_state(program),
        "products": products,
        "bonus_percent": forms_staff.bonus_percent(program.store_credit_bonus_rate),
        "currencies": [
            (Country(country).label if country in Country.values else country, currency)
            for country, currency in program.currencies.items()
        ],
        "claim_counts": [(label, counts.get(value, 0)) for value, label in ClaimStatus.choices],
        "claim_total": sum(counts.values()),
    }
    return render(request, "claims/staff/program_detail.html", context)


def _program_for_edit(request: HttpRequest, slug: str) -> Program:
    program = selectors.program_get_for_user(user=request.user, slug=slug)
    require_role(user=request.user, firm_account=program.firm_account, action="program.edit")
    return program


@login_required
def program_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Change a program's terms."""
    program = _program_for_edit(request, slug)
    form = forms_staff.ProgramForm(
        request.POST or None, initial=forms_staff.program_initial(program)
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                programs.program_update(actor=request.user, program=program, terms=form.terms())
            except programs.ProgramInvalid as error:
                form.add_error(None, _error_text(error))
            else:
                messages.success(request, "The program was saved.")
                return redirect("claims_staff:program_detail", program.slug)
    context = {**_program_context(request, program), "form": form, "title": "Change the program"}
    return render(request, "claims/staff/program_form.html", context, status=status)


def _product_of(program: Program, product_id: int) -> ProgramProduct:
    product = next((p for p in program.products.all() if p.pk == product_id), None)
    if product is None:
        raise Http404("No such product in this program.")
    return product


def _save_product(request, program, form, product=None):
    if not form.is_valid():
        return None
    data = form.cleaned_data
    fields = {
        "actor": request.user,
        "model_number": data["model_number"],
        "name": data["name"],
        "rule": form.rule(),
        "serial_help": data["serial_help"],
    }
    try:
        if product is None:
            return programs.program_product_add(program=program, **fields)
        return programs.program_product_update(product=product, **fields)
    except programs.ProgramInvalid as error:
        form.add_error(None, _error_text(error))
        return None


@login_required
def product_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a model number with its serial rule, prefilled from the recall's identification."""
    program = _program_for_edit(request, slug)
    held = {p.model_normalized for p in program.products.all()}
    suggestions = [
        s
        for s in programs.program_products_suggest(recall=program.recall)
        if normalize_identifier(s.model_number) not in held
    ]
    chosen = next((s for s in suggestions if s.model_number == request.GET.get("use")), None)
    initial = forms_staff.product_initial_from_suggestion(chosen) if chosen else {}
    form = forms_staff.ProductForm(request.POST or None, initial=initial)
    if request.method == "POST":
        product = _save_product(request, program, form)
        if product is not None:
            messages.success(request, f"{product.model_number} was added; now set its prices.")
            return redirect("claims_staff:prices_set", program.slug, product.pk)
    context = {
        **_program_context(request, program),
        "form": form,
        "suggestions": suggestions,
        "chosen": chosen,
        "title": "Add a product",
    }
    return render(
        request,
        "claims/staff/product_form.html",
        context,
        status=400 if form.is_bound else 200,
    )


@login_required
def product_edit(request: HttpRequest, slug: str, product_id: int) -> HttpResponse:
    """Change a product's model number, name or serial rule."""
    program = _program_for_edit(request, slug)
    product = _product_of(program, product_id)
    initial = {
        "model_number": product.model_number,
        "name": product.name,
        "serial_rule_kind": product.serial_rule_kind,
        "serial_prefix": product.serial_prefix,
        "serial_length": product.serial_length,
        "serial_range_start": product.serial_range_start,
        "serial_range_end": product.serial_range_end,
        "serial_help": product.serial_help,
    }
    form = forms_staff.ProductForm(request.POST or None, initial=initial)
    if request.method == "POST":
        saved = _save_product(request, program, form, product)
        if saved is not None:
            messages.success(request, f"{saved.model_number} was saved.")
            return redirect("claims_staff:program_detail", program.slug)
    context = {
        **_program_context(request, program),
        "form": form,
        "product": product,
        "title": f"Change {product.model_number}",
    }
    return render(
        request, "claims/staff/product_form.html", context, status=400 if form.is_bound else 200
    )


@login_required
def prices_set(request: HttpRequest, slug: str, product_id: int) -> HttpResponse:
    """Set a product's average prices, the refund when an owner has no receipt."""
    program = _program_for_edit(request, slug)
    product = _product_of(program, product_id)
    currencies = sorted(set(program.currencies.values()))
    prices = {price.currency: price for price in product.prices.all()}
    initial = {f"amount_{c.lower()}": prices[c].amount for c in currencies if c in prices}
    initial["is_demo_value"] = any(price.is_demo_value for price in prices.values())
    form = forms_staff.PricesForm(request.POST or None, currencies=currencies, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            programs.average_prices_set(
                actor=request.user,
                product=product,
                amounts=form.amounts(),
                is_demo_value=form.cleaned_data["is_demo_value"],
            )
        except programs.ProgramInvalid as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, f"The average prices of {product.model_number} were saved.")
            return redirect("claims_staff:program_detail", program.slug)
    context = {
        **_program_context(request, program),
        "form": form,
        "product": product,
        "title": f"Average prices of {product.model_number}",
    }
    return render(
        request, "claims/staff/prices_form.html", context, status=400 if form.is_bound else 200
    )


@login_required
def claim_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The program's claims, newest first; reviewing them comes with the review queue."""
    program = selectors.program_get_for_user(user=request.user, slug=slug)
    claims = selectors.claims_for_user(user=request.user, program=program)
    page = Paginator(claims, CLAIMS_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(claim, Money(claim.amount, claim.currency)) for claim in page]
    context = {**_program_context(request, program), "page": page, "rows": rows}
    return render(request, "claims/staff/claim_list.html", context)


@login_required
def claim_detail(request: HttpRequest, number: str) -> HttpResponse:
    """A claim: what the owner gave, the evidence, fraud signals and the history."""
    claim: Claim = selectors.claim_get_for_user(user=request.user, number=number)
    return render(request, "claims/staff/claim_detail.html", claim_context(request, claim))


def claim_context(request: HttpRequest, claim: Claim) -> dict:
    """What the claim page shows; the review page builds on it."""
    program = claim.program
    signals = [
        # A related claim is linked only within the firm: another firm's claim stays unnamed.
        (
            signal,
            related
            if related and related.program.firm_account_id == program.firm_account_id
            else None,
        )
        for signal in claim.fraud_signals.all()
        for related in [signal.related_claim]
    ]
    receipt = claim.receipt_amount
    context = {
        **_program_context(request, program),
        "claim": claim,
        "amount": Money(claim.amount, claim.currency),
        "receipt_amount": Money(receipt, claim.currency) if receipt is not None else None,
        "signals": signals,
        "events": [
            (
                event,
                STATUS_LABELS.get(event.from_status, event.from_status),
                STATUS_LABELS.get(event.to_status, event.to_status),
            )
            for event in claim.events.all()
        ],
        "eligibility": eligibility_check(
            program=program,
            model_number=claim.product.model_number,
            serial_number=claim.serial_number,
        ),
        "can_see_payout": role_can(
            role_for(user=request.user, firm_account=program.firm_account), "claim.pay"
        ),
    }
    return context
