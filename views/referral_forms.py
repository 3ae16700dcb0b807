"""The public referral forms: a stepper over server-side drafts, check your answers, send once.

The draft's lifecycle (start, save a page, send, discard, how long it lasts) is
workflow/web_referrals/lifecycle.py; the pages and their order are forms/. What stays here is
HTTP: the draft's cookie, redirects and pages.
"""

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf.csrf import CSRFError

from forms.referral import marac, stalking
from forms.referral.page import PageForm
from forms.referral.stepper import PREFILL, Flow, Page, posted_fields
from views import errors, remembered_referrer
from views.deps import client_address, database, policy
from views.security import public
from workflow.assessment.checklists import dash_meaning
from workflow.models.drafts import ReferralDraft
from workflow.models.referral import Pathway
from workflow.referrals.acknowledgement import NEXT_STEPS
from workflow.rules.risk import dash_band
from workflow.web_referrals import drafts, lifecycle
from workflow.web_referrals.screening import Stop

bp = Blueprint("referral_forms", __name__, url_prefix="/refer")

FLOWS: dict[str, Flow] = {"stalking": stalking.FLOW, "marac": marac.FLOW}
BUILDERS = {"stalking": stalking.to_new_referral, "marac": marac.to_new_referral}
PATHWAYS = {"stalking": Pathway.STALKING_IDVA, "marac": Pathway.MARAC}


def _setting(name: str) -> int:
    """A REFERRAL_… setting: draft lifetimes and the per-client limits (config.py)."""
    return int(current_app.config[name])


def _lifetimes() -> lifecycle.Lifetimes:
    return lifecycle.Lifetimes(
        _setting("REFERRAL_DRAFT_HOURS"), _setting("REFERRAL_SHARED_DRAFT_MINUTES")
    )


def _flow(kind: str) -> Flow:
    if kind not in FLOWS:
        abort(404)
    return FLOWS[kind]


# The draft's key lives in a cookie of its own, not in the Flask session: a staff member's idle
# time-out clears their session, and the draft must outlive that. Never in a URL.
def _cookie(kind: str) -> str:
    return f"referral-draft-{kind}"


def _token(kind: str) -> str | None:
    return request.cookies.get(_cookie(kind))


def _shared(kind: str) -> bool:
    """The referrer said this is a shared or public computer when they started."""
    return request.cookies.get(_cookie(kind) + "-shared") == "1"


def _keep(response: Response, kind: str, token: str, shared: bool) -> Response:
    """Give the browser the draft's key: on a shared computer only until the browser closes,
    otherwise no longer than the draft itself can last."""
    hours = _setting("REFERRAL_DRAFT_HOURS")
    for name, value in ((_cookie(kind), token), (_cookie(kind) + "-shared", "1" if shared else "")):
        response.set_cookie(
            name,
            value,
            max_age=None if shared else hours * 3600,
            path="/refer/",
            httponly=True,
            secure=current_app.config["BEHIND_TLS"],
            samesite="Lax",
        )
    return response


def _forget(response: Response, kind: str) -> Response:
    response.delete_cookie(_cookie(kind), path="/refer/")
    response.delete_cookie(_cookie(kind) + "-shared", path="/refer/")
    return response


def _allowed(what: str) -> bool:
    """Count one attempt for this client; the caller shows the limit page when it is over."""
    limit = _setting(f"REFERRAL_{what.upper()}S_PER_HOUR")
    return lifecycle.allowed(database(), what, client_address(), limit)


def _draft(kind: str) -> ReferralDraft | None:
    """The live draft this browser holds for this form, sent or not."""
    return lifecycle.find(database(), _token(kind), PATHWAYS[kind])


def _too_many(flow: Flow | None = None) -> Any:
    # The count is per hour: Retry-After tells a client (or a proxy) when to come back.
    return render_template("referral/limit.html", flow=flow), 429, {"Retry-After": "3600"}


@bp.get("/")
@public
def index() -> Any:
    return render_template("referral/index.html", flows=FLOWS)


@bp.get("/<kind>")
@public
def start(kind: str) -> Any:
    flow = _flow(kind)
    draft = _draft(kind)
    resume = _resume_slug(flow, draft) if draft and not draft.submitted_at else None
    return render_template(
        "referral/start.html",
        flow=flow,
        resume=resume,
        hours=_setting("REFERRAL_DRAFT_HOURS"),
        shared_minutes=_setting("REFERRAL_SHARED_DRAFT_MINUTES"),
        mailbox=current_app.config.get("REFERRALS_MAILBOX_ADDRESS") or "",
    )


def _resume_slug(flow: Flow, draft: ReferralDraft) -> str:
    return lifecycle.first_unsaved(_asked(flow, draft.pages), draft.pages) or "check"


def _asked(flow: Flow, stored: dict[str, Any]) -> list[str]:
    return [p.slug for p in flow.asked(stored)]


@bp.post("/<kind>/start")
@public
def begin(kind: str) -> Any:
    flow = _flow(kind)
    if not _allowed("start"):
        return _too_many(flow)
    carried = _carried_pages(request.form.get("carry"))
    shared = request.form.get("shared") == "yes"
    mine = remembered_referrer.remembered() if not shared else {}
    if mine and "referrer" not in carried:  # shown on the referrer page to check, not saved
        carried[PREFILL + "referrer"] = mine
    token = lifecycle.begin(database(), PATHWAYS[kind], _lifetimes().of(shared), carried)
    first = lifecycle.first_unsaved(_asked(flow, carried), carried) or flow.pages[0].slug
    return _keep(redirect(url_for(".page", kind=kind, slug=first)), kind, token, shared)


def _carried_pages(carry: str | None) -> dict[str, Any]:
    """The shared pages and the suspect of a stalking draft that turned out to be domestic abuse."""
    if carry != "stalking":
        return {}
    stalking_pages = lifecycle.unsent_pages(database(), _token("stalking"), Pathway.STALKING_IDVA)
    return marac.from_stalking(stalking_pages) if stalking_pages is not None else {}


@bp.route("/<kind>/<slug>", methods=["GET", "POST"])
@public
def page(kind: str, slug: str) -> Any:
    flow = _flow(kind)
    step = flow.page(slug) or abort(404)
    form = step.form(meta={"csrf": False}) if request.method == "POST" else None
    if form is not None and form.validate():
        kept = lifecycle.save_page(
            database(),
            _token(kind),
            PATHWAYS[kind],
            slug,
            posted_fields(form),
            _lifetimes().of(_shared(kind)),
        )
        if kept is None or kept.submitted_at:
            return _lost(kind, kept)
        response = _after(flow, slug, form, kept.pages)
        if slug == "referrer":
            return remembered_referrer.keep_or_forget(response, form, not _shared(kind))
        return response
    return _show(flow, step, form)


def _show(flow: Flow, step: Page, form: PageForm | None) -> Any:
    """Render a page: with what was just posted, else with what the draft holds."""
    kind, slug = flow.kind, step.slug
    draft = _draft(kind)
    if draft is None or draft.submitted_at:
        return _lost(kind, draft)
    stored = draft.pages
    if not step.asked(stored):  # a follow-on page its answers no longer call for
        return redirect(url_for(".check", kind=kind))
    form = form or flow.load(step, stored)
    score = marac.score_so_far(stored, slug) if slug in marac.DASH_SLUGS else None
    carried = slug not in stored and PREFILL + slug in stored
    remembered = bool(remembered_referrer.remembered())
    return render_template(
        "referral/page.html",
        flow=flow,
        page=step,
        form=form,
        score_before=score,
        carried=carried,
        remember=slug == "referrer" and not _shared(kind),
        remembered=remembered or bool(request.form.get(remembered_referrer.BOX)),
        back=flow.previous_slug(slug, stored),
        progress=flow.progress(slug),
        policy=policy(),
    )


@bp.errorhandler(CSRFError)
def _page_expired(_error: CSRFError) -> Any:
    """A page left open past its session (or a staff time-out): keep what was typed, ask again."""
    kind = (request.view_args or {}).get("kind", "")
    if kind not in FLOWS:  # no such form: aborting here would escape as a 500
        heading, message = errors.PAGES[404]
        return render_template("errors/error.html", heading=heading, message=message), 404
    flow = FLOWS[kind]
    flash("For your security this page had expired. Check your answers and press the button again.")
    step = flow.page((request.view_args or {}).get("slug", ""))
    if request.endpoint == "referral_forms.page" and step is not None:
        return _show(flow, step, step.form(meta={"csrf": False}))
    target = ".check" if request.endpoint == "referral_forms.check" else ".start"
    return redirect(url_for(target, kind=kind))


def _after(flow: Flow, slug: str, form: Any, stored: dict[str, Any]) -> Any:
    stop = flow.stop_after(slug, form, policy())
    if stop:
        return redirect(url_for(".stopped", kind=flow.kind, reason=stop.value))
    if request.args.get("change"):
        # A changed answer may call for a follow-on page (DASH Q8 now Yes): ask it first.
        unanswered = lifecycle.first_unsaved(_asked(flow, stored), stored)
        if unanswered:
            return redirect(url_for(".page", kind=flow.kind, slug=unanswered, change=1))
        return redirect(url_for(".check", kind=flow.kind))
    following = flow.next_slug(slug, stored)
    if following is None:
        return redirect(url_for(".check", kind=flow.kind))
    return redirect(url_for(".page", kind=flow.kind, slug=following))


def _lost(kind: str, draft: ReferralDraft | None) -> Any:
    if draft is not None:  # already sent: the back button lands on the confirmation
        return redirect(url_for(".done", kind=kind))
    if _token(kind):
        flash(
            f"Your answers were deleted because they were not used for "
            f"{_lifetimes().words(_shared(kind))}. Please start again."
        )
    return _forget(redirect(url_for(".start", kind=kind)), kind)


@bp.get("/<kind>/stop/<reason>")
@public
def stopped(kind: str, reason: str) -> Any:
    flow = _flow(kind)
    try:
        stop = Stop(reason)
    except ValueError:
        abort(404)
    back = {Stop.UNDER_AGE: "victim", Stop.OUT_OF_AREA: "contact", Stop.DOMESTIC_ABUSE: "suspect"}
    return render_template(
        "referral/stop.html",
        flow=flow,
        stop=stop.value,
        back=back.get(stop, "consent"),
        policy=policy(),  # the DASH thresholds the domestic-abuse advice names
    )


@bp.route("/<kind>/check", methods=["GET", "POST"])
@public
def check(kind: str) -> Any:
    flow = _flow(kind)
    if request.method == "POST":
        return _send(kind, flow)
    draft = _draft(kind)
    if draft is None or draft.submitted_at:
        return _lost(kind, draft)
    forms, missing = flow.validated(draft.pages)
    stop = flow.first_stop({s: f for s, f in forms.items() if s in draft.pages}, policy())
    submit_token, pages = draft.submit_token, flow.asked(draft.pages)
    if stop:
        return redirect(url_for(".stopped", kind=kind, reason=stop.value))
    if missing:
        flash(f"Answer the questions on '{missing[0].title}' before you check your answers.")
        return redirect(url_for(".page", kind=kind, slug=missing[0].slug))
    return render_template(
        "referral/check.html",
        flow=flow,
        forms=forms,
        submit_token=submit_token,
        pages=pages,
        notes=flow.notes(forms, policy()),
        risk=_risk(kind, draft.pages),
    )


def _risk(kind: str, stored: dict[str, Any]) -> dict[str, Any] | None:
    if kind != "marac":
        return None
    score = marac.score_so_far(stored)
    return {
        "score": score,
        "band": dash_band(score, policy()).value,
        "meaning": dash_meaning(score, policy()),
    }


def _send(kind: str, flow: Flow) -> Any:
    def build(stored: dict[str, Any]) -> Any:
        forms, missing = flow.validated(stored)
        if missing or flow.first_stop(forms, policy()):
            raise drafts.DraftChanged("Some answers are missing or stop the referral.")
        return BUILDERS[kind](forms)

    if not _allowed("send"):
        return _too_many(flow)
    try:
        lifecycle.send(
            database(),
            _token(kind),
            request.form.get("submit_token", ""),
            build,
            policy(),
            current_app.config["BASE_URL"],
        )
    except drafts.DraftExpired:
        return _lost(kind, None)
    except drafts.DraftChanged as changed:
        flash(str(changed))
        return redirect(url_for(".check", kind=kind))
    return redirect(url_for(".done", kind=kind))


@bp.get("/<kind>/done")
@public
def done(kind: str) -> Any:
    flow = _flow(kind)
    reference, sent = lifecycle.collect_sent(database(), _token(kind), PATHWAYS[kind])
    if not reference:
        return redirect(url_for(".start", kind=kind))
    # The referrer's own copy of what was sent, for them to print; never mailed.
    forms, _missing = flow.validated(sent) if sent else ({}, [])
    return render_template(
        "referral/done.html",
        flow=flow,
        reference=reference,
        next_steps=NEXT_STEPS[PATHWAYS[kind]],
        forms=forms,
        pages=[p for p in flow.asked(sent) if p.slug in forms] if sent else [],
    )


@bp.post("/<kind>/delete")
@public
def delete(kind: str) -> Any:
    _flow(kind)
    lifecycle.discard(database(), _token(kind))
    flash("Your answers have been deleted.")
    return _forget(redirect(url_for(".index")), kind)
