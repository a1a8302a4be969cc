"""Evaluation: the lead's panel, conflicts, compliance, moderation and results; the
evaluators' declarations and scoring."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from tenderapp import access, clock
from tenderapp.access import evaluation as evaluation_access
from tenderapp.db import get_session
from tenderapp.domain.errors import Conflict
from tenderapp.domain.roles import Role
from tenderapp.exports import evaluation_matrix
from tenderapp.sealing import sealer
from tenderapp.services import evaluating, moderation, panel, recommendation, results
from tenderapp.services.evaluation_matrix import sheet as matrix_of
from tenderapp.web.downloads import download
from tenderapp.web.errors import render_error
from tenderapp.web.evaluation.forms import (
    AssignForm,
    ComplianceForm,
    DeclarationForm,
    ModerateForm,
    RecommendForm,
    ResolveForm,
    ScoreForm,
)
from tenderapp.web.flow import flashed, form_page
from tenderapp.web.guards import role_required, tenant_owned

bp = Blueprint("evaluation", __name__)
ADMIN, EVALUATOR = Role.PROCUREMENT_ADMIN, Role.EVALUATOR
LEAD, PANEL = access.get_lead_tender, access.get_panel_tender


@bp.app_template_filter("supplier_of")
def supplier_of(submission_id: int, outcome) -> str:
    return outcome.supplier(submission_id)


def _on_conflict(action, done, answer=lambda error: render_error(409, error.message)):
    """``action`` and ``done`` for ``form_page`` on a page where a Conflict (the evaluation is
    closed, the declaration already made) is not shown beside a field but answered by
    ``answer(error)``: the 409 page unless told otherwise."""

    def run():
        try:
            return action()
        except Conflict as error:
            return error

    def finish(result):
        return answer(result) if isinstance(result, Conflict) else done(result)

    return {"action": run, "done": finish}


# --- the lead's procurement admins ---------------------------------------------------------


@bp.route("/tenders/<int:tender_id>/evaluation")
@tenant_owned(ADMIN, tender_id=LEAD)
def overview(tender):
    return render_template("evaluation/overview.html", tender=tender, members=panel.overview(get_session(), tender))


@bp.route("/tenders/<int:tender_id>/evaluation/panel", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id=LEAD)
def assign(tender):
    db_session = get_session()
    form = AssignForm(panel.eligible_evaluators(db_session, tender), evaluation_access.criteria(db_session, tender))
    return form_page(form, "evaluation/assign.html", tender=tender, field="user_id", **_on_conflict(
        lambda: panel.assign(db_session, current_user, tender, form.user_id.data, form.criterion_ids.data, clock.now(),
                             url_for("evaluation.declaration", tender_id=tender.id, _external=True)),
        flashed("Evaluator added to the panel", "evaluation.overview", tender_id=tender.id)))


@bp.route("/tenders/<int:tender_id>/evaluation/conflicts/<int:user_id>", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id=LEAD)
def resolve(tender, user_id: int):
    db_session = get_session()
    member = next((m for m in panel.overview(db_session, tender) if m["user"].id == user_id and m["declaration"]
                   and m["declaration"].has_conflict), None)
    if member is None:
        return redirect(url_for("evaluation.overview", tender_id=tender.id))
    form = ResolveForm()
    return form_page(form, "evaluation/resolve.html", tender=tender, member=member, field="mitigation", **_on_conflict(
        lambda: panel.resolve_conflict(db_session, current_user, tender, member["declaration"], form.decision.data,
                                       form.mitigation.data or "", clock.now()),
        flashed("Decision recorded", "evaluation.overview", tender_id=tender.id)))


@bp.route("/tenders/<int:tender_id>/evaluation/moderation")
@tenant_owned(ADMIN, tender_id=LEAD)
def moderation_grid(tender):
    return render_template("evaluation/moderation.html", grid=moderation.grid(get_session(), current_user, tender))


@bp.route("/tenders/<int:tender_id>/evaluation/moderation/<int:submission_id>/<int:criterion_id>",
          methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id=LEAD)
def moderate(tender, submission_id: int, criterion_id: int):
    db_session = get_session()
    grid = moderation.grid(db_session, current_user, tender)
    cell = grid.cell(submission_id, criterion_id)
    if cell is None:
        return redirect(url_for("evaluation.moderation_grid", tender_id=tender.id))
    form = ModerateForm(cell.criterion)
    if not form.is_submitted() and cell.moderated:
        form.score.data, form.rationale.data = str(cell.moderated.score), cell.moderated.rationale
    return form_page(form, "evaluation/moderate.html", grid=grid, cell=cell, field="rationale", **_on_conflict(
        lambda: moderation.moderate(db_session, current_user, tender, cell.submission, cell.criterion,
                                    int(form.score.data), form.rationale.data, clock.now()),
        flashed("Consensus score recorded", "evaluation.moderation_grid", tender_id=tender.id)))


@bp.route("/tenders/<int:tender_id>/evaluation/compliance/<int:submission_id>", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id=LEAD)
def compliance(tender, submission_id: int):
    db_session = get_session()
    grid = moderation.grid(db_session, current_user, tender)
    submission = grid.submission(submission_id)
    if submission is None:
        return redirect(url_for("evaluation.moderation_grid", tender_id=tender.id))
    form = ComplianceForm()
    existing = grid.compliance.get(submission_id)
    if not form.is_submitted() and existing:
        form.passed.data, form.reason.data = "yes" if existing.passed else "no", existing.reason
    return form_page(form, "evaluation/compliance.html", grid=grid, supplier=grid.suppliers[submission_id],
                     field="reason", **_on_conflict(
                         lambda: moderation.record_compliance(db_session, current_user, tender, submission,
                                                              form.passed.data == "yes", form.reason.data, clock.now()),
                         flashed("Compliance recorded", "evaluation.moderation_grid", tender_id=tender.id)))


@bp.route("/tenders/<int:tender_id>/evaluation/results", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id=LEAD)
def results_page(tender):
    db_session = get_session()
    outcome = results.compute(db_session, current_user, sealer(), tender)
    recorded = recommendation.current(db_session, tender)
    form = RecommendForm(outcome.rows)
    if recorded is not None:  # the evaluation is closed: the form is not offered
        return render_template("evaluation/results.html", results=outcome, form=form, recorded=recorded)
    return form_page(form, "evaluation/results.html", results=outcome, recorded=recorded, field="rationale",
                     action=lambda: recommendation.recommend(
                         db_session, current_user, sealer(), tender, form.submission_id.data,
                         form.rationale.data, clock.now(), form.departure.data or ""),
                     done=flashed("Recommendation recorded", "evaluation.results_page", tender_id=tender.id))


@bp.route("/tenders/<int:tender_id>/evaluation/matrix.xlsx")
@tenant_owned(ADMIN, tender_id=LEAD)
def matrix(tender):
    db_session = get_session()
    outcome = results.compute(db_session, current_user, sealer(), tender)
    content = evaluation_matrix.workbook_bytes(matrix_of(outcome, moderation.grid(db_session, current_user, tender)))
    return download(content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    f"evaluation-{outcome.tender.reference}.xlsx")


@bp.route("/tenders/<int:tender_id>/evaluation/report")
@tenant_owned(ADMIN, tender_id=LEAD)
def report(tender):
    db_session = get_session()
    outcome = results.compute(db_session, current_user, sealer(), tender)
    return render_template("evaluation/report.html", results=outcome, members=panel.overview(db_session, tender),
                           grid=moderation.grid(db_session, current_user, tender),
                           recorded=recommendation.current(db_session, tender))


# --- evaluators ----------------------------------------------------------------------------


@bp.route("/evaluations")
@role_required(EVALUATOR)
def mine():
    return render_template("evaluation/mine.html", tenders=access.panel_tenders(get_session(), current_user))


def _turned_away(tender):
    """The answer to a second declaration: the evaluator's work page, saying so."""

    def answer(error):
        flash(error.message, "info")
        return redirect(url_for("evaluation.work", tender_id=tender.id))

    return answer


@bp.route("/tenders/<int:tender_id>/evaluate/declaration", methods=["GET", "POST"])
@tenant_owned(EVALUATOR, tender_id=PANEL)
def declaration(tender):
    form = DeclarationForm()
    return form_page(form, "evaluation/declaration.html", tender=tender, field="details", **_on_conflict(
        lambda: evaluating.declare(get_session(), current_user, tender, form.has_conflict.data == "yes",
                                   form.details.data or "", clock.now()),
        flashed("Declaration recorded", "evaluation.work", tender_id=tender.id), _turned_away(tender)))


@bp.route("/tenders/<int:tender_id>/evaluate")
@tenant_owned(EVALUATOR, tender_id=PANEL)
def work(tender):
    db_session = get_session()
    status = panel.cleared_status(db_session, tender, current_user.user_id)
    todo = evaluating.tasks(db_session, current_user, tender) if status.value == "cleared" and tender.opened_at \
        else []
    return render_template("evaluation/work.html", tender=tender, status=status, tasks=todo)


@bp.route("/tenders/<int:tender_id>/evaluate/<int:submission_id>/<int:criterion_id>/files/<sha256>")
@tenant_owned(EVALUATOR, tender_id=PANEL)
def attachment(tender, submission_id: int, criterion_id: int, sha256: str):
    name, content = evaluating.attachment(get_session(), current_user, sealer(), tender, submission_id,
                                          criterion_id, sha256)
    return download(content, "application/octet-stream", name)


@bp.route("/tenders/<int:tender_id>/evaluate/<int:submission_id>/<int:criterion_id>", methods=["GET", "POST"])
@tenant_owned(EVALUATOR, tender_id=PANEL)
def score(tender, submission_id: int, criterion_id: int):
    db_session = get_session()
    space = evaluating.workspace(db_session, current_user, sealer(), tender, submission_id, criterion_id)
    form = ScoreForm(space.task.criterion)
    if space.task.my_score is not None:  # scores are locked once submitted
        return render_template("evaluation/score.html", form=form, space=space)
    return form_page(form, "evaluation/score.html", space=space, field="justification",
                     action=lambda: evaluating.submit_score(db_session, current_user, tender, submission_id,
                                                            criterion_id, int(form.score.data),
                                                            form.justification.data, clock.now(),
                                                            url_for("evaluation.moderation_grid", tender_id=tender.id,
                                                                    _external=True)),
                     done=flashed("Score submitted. You can now see the other evaluators' scores.", "evaluation.score",
                                  tender_id=tender.id, submission_id=submission_id, criterion_id=criterion_id))
