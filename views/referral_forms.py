"""The public referral forms: a stepper over server-side drafts, check your answers, send once."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

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

from forms import marac, stalking
from forms.page import PageForm
from forms.stepper import PREFILL, Flow, Page, posted_fields
from views import errors, remembered_referrer
from views.deps import client_address, policy, uow
from views.security import public
from workflow.assessment.checklists import dash_meaning
from workflow.models.drafts import ReferralDraft
from workflow.models.referral import Pathway
from workflow.referrals.acknowledgement import NEXT_STEPS
from workflow.rules.risk import dash_band
from workflow.store import throttle
from workflow.store.retries import retried
from workflow.web_referrals import drafts
from workflow.web_referrals.screening import Stop

bp = Blueprint("referral_forms", __name__, url_prefix="/refer")
T = TypeVar("T")

FLOWS: dict[str, Flow] = {"stalking": stalking.FLOW, "marac": marac.FLOW}
BUILDERS = {"stalking": stalking.to_new_referral, "marac": marac.to_new_referral}
PATHWAYS = {"stalking": Pathway.STALKING_IDVA, "marac": Pathway.MARAC}


def _setting(name: str) -> int:
    """A REFERRAL_… setting: draft lifetimes and the per-client limits (config.py)."""
    return int(current_app.config[name])


def _lifetime(shared: bool) -> timedelta:
    """How long a draft lasts unused: much shorter when the referrer said the computer is shared."""
    if shared:
        return timedelta(minutes=_setting("REFERRAL_SHARED_DRAFT_MINUTES"))
    return timedelta(hours=_setting("REFERRAL_DRAFT_HOURS"))


def _unused_for(shared: bool) -> str:
    if shared:
        return f"{_setting('REFERRAL_SHARED_DRAFT_MINUTES')} minutes"
    return f"{_setting('REFERRAL_DRAFT_HOURS')} hours"


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


def _race(attempt: Callable[[], T]) -> T:
    """Run a short transaction again, briefly and with jitter, when a concurrent one won a race
    (two first requests from one address insert the same counter)."""
    return retried(attempt, pause=0.02, jitter=True)


def _allowed(what: str) -> bool:
    """Count one attempt for this client; the caller shows the limit page when it is over."""
    limit = _setting(f"REFERRAL_{what.upper()}S_PER_HOUR")

    def attempt() -> bool:
        with uow() as work:
            key = f"referral-{what}:{client_address()}"
            ok = throttle.allow(work.session, key, limit, timedelta(hours=1))
            work.commit()
            return ok

    return _race(attempt)


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
    with uow() as work:
        draft = drafts.find(work.session, _token(kind), PATHWAYS[kind])
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
    missing = [p.slug for p in flow.asked(draft.pages) if p.slug not in draft.pages]
    return missing[0] if missing else "check"


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

    def attempt() -> str:
        with uow() as work:
            token = drafts.start(work.session, PATHWAYS[kind], _lifetime(shared), carried)
            work.commit()
            return token

    token = _race(attempt)
    first = next((p.slug for p in flow.asked(carried) if p.slug not in carried), flow.pages[0].slug)
    return _keep(redirect(url_for(".page", kind=kind, slug=first)), kind, token, shared)


def _carried_pages(carry: str | None) -> dict[str, Any]:
    """The shared pages and the suspect of a stalking draft that turned out to be domestic abuse."""
    if carry != "stalking":
        return {}
    with uow() as work:
        draft = drafts.find(work.session, _token("stalking"), Pathway.STALKING_IDVA)
        return marac.from_stalking(draft.pages) if draft and not draft.submitted_at else {}


@bp.route("/<kind>/<slug>", methods=["GET", "POST"])
@public
def page(kind: str, slug: str) -> Any:
    flow = _flow(kind)
    step = flow.page(slug) or abort(404)
    form = step.form(meta={"csrf": False}) if request.method == "POST" else None
    if form is not None and form.validate():
        kept = _race(lambda: _save(kind, slug, form))
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
    with uow() as work:
        draft = drafts.find(work.session, _token(kind), PATHWAYS[kind])
        if draft is None or draft.submitted_at:
            return _lost(kind, draft)
        if not step.asked(draft.pages):  # a follow-on page its answers no longer call for
            return redirect(url_for(".check", kind=kind))
        form = form or flow.load(step, draft.pages)
        score = marac.score_so_far(draft.pages, slug) if slug in marac.DASH_SLUGS else None
        stored = draft.pages
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


def _save(kind: str, slug: str, form: Any) -> ReferralDraft | None:
    """Keep a valid page in its draft; return the draft (None when it has gone)."""
    with uow() as work:
        draft = drafts.find(work.session, _token(kind), PATHWAYS[kind])
        if draft is not None and not draft.submitted_at:
            drafts.save_page(draft, slug, posted_fields(form), _lifetime(_shared(kind)))
            work.commit()
        return draft


def _after(flow: Flow, slug: str, form: Any, stored: dict[str, Any]) -> Any:
    stop = flow.stop_after(slug, form, policy())
    if stop:
        return redirect(url_for(".stopped", kind=flow.kind, reason=stop.value))
    if request.args.get("change"):
        # A changed answer may call for a follow-on page (DASH Q8 now Yes): ask it first.
        unanswered = next((p.slug for p in flow.asked(stored) if p.slug not in stored), None)
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
            f"{_unused_for(_shared(kind))}. Please start again."
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
    with uow() as work:
        draft = drafts.find(work.session, _token(kind), PATHWAYS[kind])
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

    def attempt() -> drafts.Submission:
        with uow() as work:
            return drafts.submit(
                work,
                _token(kind),
                request.form.get("submit_token", ""),
                build,
                policy(),
                current_app.config["BASE_URL"],
            )

    try:
        _race(attempt)
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
    with uow() as work:
        draft = drafts.find(work.session, _token(kind), PATHWAYS[kind])
        reference = draft.reference if draft else ""
        sent = drafts.take_sent_copy(draft) if draft else {}
        work.commit()
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
    with uow() as work:
        drafts.discard(work.session, _token(kind))
        work.commit()
    flash("Your answers have been deleted.")
    return _forget(redirect(url_for(".index")), kind)
