"""The evaluation's forms; each fills its own choices from the values the route hands it."""

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea
from wtforms import RadioField, SelectChoice, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Optional

from tenderapp.web.forms import BaseForm, OrganisationsField


class AssignForm(BaseForm):
    user_id = SelectField("Evaluator", widget=GovSelect(), coerce=int,
                          validators=[InputRequired(message="Select an evaluator")])
    criterion_ids = OrganisationsField("Criteria they will evaluate",
                                       validators=[InputRequired(message="Select the criteria they will evaluate")])
    submit = SubmitField("Add to the panel", widget=GovSubmitInput())

    def __init__(self, evaluators, criteria, **kwargs):
        """``evaluators``: (user, organisation name) pairs; ``criteria``: the tender's criteria."""
        super().__init__(**kwargs)
        self.user_id.choices = [SelectChoice(0, "Select an evaluator")] + [
            SelectChoice(u.id, f"{u.full_name}, {org}") for u, org in evaluators]
        self.criterion_ids.choices = [SelectChoice(c.id, c.title) for c in criteria]


class DeclarationForm(BaseForm):
    has_conflict = RadioField(
        "Do you have a conflict of interest with any supplier that may bid, or in this procurement?",
        widget=GovRadioInput(), choices=[SelectChoice("no", "No"), SelectChoice("yes", "Yes")],
        validators=[InputRequired(message="Select yes if you have a conflict of interest")])
    details = TextAreaField("If yes, describe it", widget=GovTextArea(),
                            description="The supplier, your relationship with it, and when it began",
                            validators=[Optional()])
    submit = SubmitField("Make the declaration", widget=GovSubmitInput())


class ResolveForm(BaseForm):
    decision = RadioField("Decision", widget=GovRadioInput(),
                          choices=[SelectChoice("continue", "They continue, with the mitigation below"),
                                   SelectChoice("removed", "They leave the panel")],
                          validators=[InputRequired(message="Select a decision")])
    mitigation = TextAreaField("Mitigation", widget=GovTextArea(), validators=[Optional()])
    submit = SubmitField("Record the decision", widget=GovSubmitInput())


def score_choices(maximum: int, descriptors: str) -> list[SelectChoice]:
    """Scores 0..maximum, each labelled with its published descriptor where one is given."""
    lines = [line.strip() for line in descriptors.splitlines() if line.strip()]
    by_score = {}
    for line in lines:
        head = line.split(" ", 1)[0]
        if head.isdigit():
            by_score[int(head)] = line
    return [SelectChoice(str(n), by_score.get(n, str(n))) for n in range(maximum, -1, -1)]


def _score(label: str) -> RadioField:
    return RadioField(label, widget=GovRadioInput(), validators=[InputRequired(message="Select a score")])


def _reasons(label: str, missing: str, **kwargs) -> TextAreaField:
    """Required reasons; the service checks they say enough."""
    return TextAreaField(label, widget=GovTextArea(), **kwargs, validators=[InputRequired(message=missing)])


class _ScoreOfCriterion(BaseForm):
    """A form whose ``score`` offers the criterion's scores, with their descriptors."""

    def __init__(self, criterion, **kwargs):
        super().__init__(**kwargs)
        self.score.choices = score_choices(criterion.max_score, criterion.descriptors)


class ScoreForm(_ScoreOfCriterion):
    score = _score("Score")
    justification = _reasons("Justification", "Enter the justification",
                             description="What in the answer led to this score, against the descriptors")
    submit = SubmitField("Submit score", widget=GovSubmitInput())


class ModerateForm(_ScoreOfCriterion):
    score = _score("Consensus score")
    rationale = _reasons("Rationale", "Enter the rationale for the consensus score",
                         description="Why the panel agreed this score, especially where evaluators differed")
    submit = SubmitField("Record the consensus score", widget=GovSubmitInput())


class RecommendForm(BaseForm):
    submission_id = SelectField("Recommended bid", widget=GovSelect(), coerce=int,
                                validators=[InputRequired(message="Select a ranked bid")])
    rationale = _reasons("Rationale", "Enter the rationale for the recommendation", description="Why this bid")
    departure = TextAreaField("If it is not the bid ranked first, why it is recommended instead",
                              widget=GovTextArea(), validators=[Optional()])
    submit = SubmitField("Record the recommendation", widget=GovSubmitInput())

    def __init__(self, rows, **kwargs):
        """``rows``: the results' rows; the ranked ones are offered."""
        super().__init__(**kwargs)
        self.submission_id.choices = [SelectChoice(0, "Select a bid")] + [
            SelectChoice(r.submission_id, f"{r.rank}. {r.supplier}") for r in rows if r.rank]


class ComplianceForm(BaseForm):
    passed = RadioField("Is the bid compliant?", widget=GovRadioInput(),
                        choices=[SelectChoice("yes", "Yes, it passes"), SelectChoice("no", "No, it fails")],
                        validators=[InputRequired(message="Select whether the bid is compliant")])
    reason = _reasons("Reason", "Enter the reason")
    submit = SubmitField("Record", widget=GovSubmitInput())
