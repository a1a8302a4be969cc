"""Evaluation: the lead's panel, conflicts, compliance, moderation and results; the
evaluators' declarations and scoring."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectChoice

from tenderapp import access, clock
from tenderapp.db import get_session
from tenderapp.domain.errors import Conflict, RuleViolation
from tenderapp.domain.roles import Role
from tenderapp.sealing import sealer
from tenderapp.exports import evaluation_matrix
from tenderapp.services import evaluating, moderation, panel, recommendation, results, tender_schedule
from tenderapp.services.evaluation_matrix import sheet as matrix_of
from tenderapp.web.downloads import download
from tenderapp.web.evaluation.forms import (
    AssignForm,
    ComplianceForm,
    DeclarationForm,
    ModerateForm,
    RecommendForm,
    ResolveForm,
    ScoreForm,
    score_choices,
)
from tenderapp.web.guards import role_required, tenant_owned

bp = Blueprint("evaluation", __name__)
ADMIN, EVALUATOR = Role.PROCUREMENT_ADMIN, Role.EVALUATOR


@bp.app_template_filter("supplier_of")
def supplier_of(submission_id: int, outcome) -> str:
    return outcome.supplier(submission_id)


def _status(form) -> int:
    return 400 if form.errors else 200


def _to(endpoint: str, message: str, **values):
    flash(message, "success")
    return redirect(url_for(endpoint, **values))


# --- the lead's procurement admins ---------------------------------------------------------


@bp.route("/tenders/<int:tender_id>/evaluation")
@tenant_owned(ADMIN, tender_id="tender")
def overview(tender_id: int):
    tender, members = panel.overview(get_session(), current_user, tender_id)
    return render_template("evaluation/overview.html", tender=tender, members=members)


@bp.route("/tenders/<int:tender_id>/evaluation/panel", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id="tender")
def assign(tender_id: int):
    db_session = get_session()
    tender = access.get_lead_tender(db_session, current_user, tender_id)
    form = AssignForm()
    form.user_id.choices = [SelectChoice(0, "Select an evaluator")] + [
        SelectChoice(u.id, f"{u.full_name}, {org}") for u, org in panel.eligible_evaluators(db_session, tender)]
    form.criterion_ids.choices = [SelectChoice(c.id, c.title) for c in tender_schedule.criteria(db_session, tender)]
    if form.validate_on_submit():
        try:
            panel.assign(db_session, current_user, tender.id, form.user_id.data, form.criterion_ids.data, clock.now(),
                         url_for("evaluation.declaration", tender_id=tender.id, _external=True))
        except RuleViolation as error:
            form.add_domain_error(error, "user_id")
        else:
            return _to("evaluation.overview", "Evaluator added to the panel", tender_id=tender.id)
    return render_template("evaluation/assign.html", form=form, tender=tender), _status(form)


@bp.route("/tenders/<int:tender_id>/evaluation/conflicts/<int:user_id>", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id="tender")
def resolve(tender_id: int, user_id: int):
    db_session = get_session()
    tender, members = panel.overview(db_session, current_user, tender_id)
    member = next((m for m in members if m["user"].id == user_id and m["declaration"]
                   and m["declaration"].has_conflict), None)
    if member is None:
        return redirect(url_for("evaluation.overview", tender_id=tender.id))
    form = ResolveForm()
    if form.validate_on_submit():
        try:
            panel.resolve_conflict(db_session, current_user, tender.id, user_id, form.decision.data,
                                   form.mitigation.data or "", clock.now())
        except RuleViolation as error:
            form.add_domain_error(error, "mitigation")
        else:
            return _to("evaluation.overview", "Decision recorded", tender_id=tender.id)
    return render_template("evaluation/resolve.html", form=form, tender=tender, member=member), _status(form)


@bp.route("/tenders/<int:tender_id>/evaluation/moderation")
@tenant_owned(ADMIN, tender_id="tender")
def moderation_grid(tender_id: int):
    return render_template("evaluation/moderation.html", grid=moderation.grid(get_session(), current_user, tender_id))


@bp.route("/tenders/<int:tender_id>/evaluation/moderation/<int:submission_id>/<int:criterion_id>",
          methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id="tender")
def moderate(tender_id: int, submission_id: int, criterion_id: int):
    db_session = get_session()
    grid = moderation.grid(db_session, current_user, tender_id)
    cell = next((c for c in grid.cells if c.submission.id == submission_id and c.criterion.id == criterion_id), None)
    if cell is None:
        return redirect(url_for("evaluation.moderation_grid", tender_id=tender_id))
    form = ModerateForm()
    form.score.choices = score_choices(cell.criterion.max_score, cell.criterion.descriptors)
    if not form.is_submitted() and cell.moderated:
        form.score.data, form.rationale.data = str(cell.moderated.score), cell.moderated.rationale
    if form.validate_on_submit():
        try:
            moderation.moderate(db_session, current_user, tender_id, submission_id, criterion_id,
                                int(form.score.data), form.rationale.data, clock.now())
        except RuleViolation as error:
            form.add_domain_error(error, "rationale")
        else:
            return _to("evaluation.moderation_grid", "Consensus score recorded", tender_id=tender_id)
    return render_template("evaluation/moderate.html", form=form, grid=grid, cell=cell), _status(form)


@bp.route("/tenders/<int:tender_id>/evaluation/compliance/<int:submission_id>", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id="tender")
def compliance(tender_id: int, submission_id: int):
    db_session = get_session()
    grid = moderation.grid(db_session, current_user, tender_id)
    if submission_id not in grid.suppliers:
        return redirect(url_for("evaluation.moderation_grid", tender_id=tender_id))
    form = ComplianceForm()
    existing = grid.compliance.get(submission_id)
    if not form.is_submitted() and existing:
        form.passed.data, form.reason.data = "yes" if existing.passed else "no", existing.reason
    if form.validate_on_submit():
        try:
            moderation.record_compliance(db_session, current_user, tender_id, submission_id, form.passed.data == "yes",
                                         form.reason.data, clock.now())
        except RuleViolation as error:
            form.add_domain_error(error, "reason")
        else:
            return _to("evaluation.moderation_grid", "Compliance recorded", tender_id=tender_id)
    return render_template("evaluation/compliance.html", form=form, grid=grid,
                           supplier=grid.suppliers[submission_id]), _status(form)


@bp.route("/tenders/<int:tender_id>/evaluation/results", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id="tender")
def results_page(tender_id: int):
    db_session = get_session()
    outcome = results.compute(db_session, current_user, sealer(), tender_id)
    recorded = recommendation.current(db_session, outcome.tender)
    form = RecommendForm()
    form.submission_id.choices = [SelectChoice(0, "Select a bid")] + [
        SelectChoice(r.submission_id, f"{r.rank}. {r.supplier}") for r in outcome.rows if r.rank]
    if recorded is None and form.validate_on_submit():
        try:
            recommendation.recommend(db_session, current_user, sealer(), tender_id, form.submission_id.data,
                                     form.rationale.data, clock.now(), form.departure.data or "")
        except (RuleViolation, Conflict) as error:
            form.add_domain_error(error, "rationale")
        else:
            return _to("evaluation.results_page", "Recommendation recorded", tender_id=tender_id)
    return render_template("evaluation/results.html", results=outcome, form=form, recorded=recorded), _status(form)


@bp.route("/tenders/<int:tender_id>/evaluation/matrix.xlsx")
@tenant_owned(ADMIN, tender_id="tender")
def matrix(tender_id: int):
    db_session = get_session()
    outcome = results.compute(db_session, current_user, sealer(), tender_id)
    content = evaluation_matrix.workbook_bytes(matrix_of(outcome, moderation.grid(db_session, current_user, tender_id)))
    return download(content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    f"evaluation-{outcome.tender.reference}.xlsx")


@bp.route("/tenders/<int:tender_id>/evaluation/report")
@tenant_owned(ADMIN, tender_id="tender")
def report(tender_id: int):
    db_session = get_session()
    outcome = results.compute(db_session, current_user, sealer(), tender_id)
    _, members = panel.overview(db_session, current_user, tender_id)
    return render_template("evaluation/report.html", results=outcome, members=members,
                           grid=moderation.grid(db_session, current_user, tender_id),
                           recorded=recommendation.current(db_session, outcome.tender))


# --- evaluators ----------------------------------------------------------------------------


@bp.route("/evaluations")
@role_required(EVALUATOR)
def mine():
    return render_template("evaluation/mine.html", tenders=access.panel_tenders(get_session(), current_user))


@bp.route("/tenders/<int:tender_id>/evaluate/declaration", methods=["GET", "POST"])
@tenant_owned(EVALUATOR, tender_id="panel_tender")
def declaration(tender_id: int):
    db_session = get_session()
    tender, _ = access.get_panel_tender(db_session, current_user, tender_id)
    form = DeclarationForm()
    if form.validate_on_submit():
        try:
            evaluating.declare(db_session, current_user, tender.id, form.has_conflict.data == "yes",
                               form.details.data or "", clock.now())
        except RuleViolation as error:
            form.add_domain_error(error, "details")
        except Conflict as error:
            flash(error.message, "info")
            return redirect(url_for("evaluation.work", tender_id=tender.id))
        else:
            return _to("evaluation.work", "Declaration recorded", tender_id=tender.id)
    return render_template("evaluation/declaration.html", form=form, tender=tender), _status(form)


@bp.route("/tenders/<int:tender_id>/evaluate")
@tenant_owned(EVALUATOR, tender_id="panel_tender")
def work(tender_id: int):
    db_session = get_session()
    tender, _ = access.get_panel_tender(db_session, current_user, tender_id)
    status = panel.cleared_status(db_session, tender, current_user.user_id)
    todo = evaluating.tasks(db_session, current_user, tender.id)[1] if status.value == "cleared" and tender.opened_at \
        else []
    return render_template("evaluation/work.html", tender=tender, status=status, tasks=todo)


@bp.route("/tenders/<int:tender_id>/evaluate/<int:submission_id>/<int:criterion_id>/files/<sha256>")
@tenant_owned(EVALUATOR, tender_id="panel_tender")
def attachment(tender_id: int, submission_id: int, criterion_id: int, sha256: str):
    name, content = evaluating.attachment(get_session(), current_user, sealer(), tender_id, submission_id,
                                          criterion_id, sha256)
    return download(content, "application/octet-stream", name)


@bp.route("/tenders/<int:tender_id>/evaluate/<int:submission_id>/<int:criterion_id>", methods=["GET", "POST"])
@tenant_owned(EVALUATOR, tender_id="panel_tender")
def score(tender_id: int, submission_id: int, criterion_id: int):
    db_session = get_session()
    space = evaluating.workspace(db_session, current_user, sealer(), tender_id, submission_id, criterion_id)
    form = ScoreForm()
    form.score.choices = score_choices(space.task.criterion.max_score, space.task.criterion.descriptors)
    if space.task.my_score is None and form.validate_on_submit():
        try:
            evaluating.submit_score(db_session, current_user, tender_id, submission_id, criterion_id,
                                    int(form.score.data), form.justification.data, clock.now())
        except (RuleViolation, Conflict) as error:
            form.add_domain_error(error, "justification")
        else:
            return _to("evaluation.score", "Score submitted. You can now see the other evaluators' scores.",
                       tender_id=tender_id, submission_id=submission_id, criterion_id=criterion_id)
    return render_template("evaluation/score.html", form=form, space=space), _status(form)
