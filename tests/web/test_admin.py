"""The lead's procurement admins manage collaborations, members, people and roles;
a partner's users see their own organisation only."""

from sqlmodel import select

from tenderapp.models import AuditEvent, CollaborationMember, Organisation, RoleAssignment


def test_admin_creates_a_collaboration_led_by_their_authority(world, sign_in_as, db):
    admin = sign_in_as("admin@lead.example")
    response = admin.submit("/admin/collaborations/new", {"name": "Joint Advocacy 2027"})
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Collaboration “Joint Advocacy 2027” created" in page
    assert "1 member<" in page
    assert "Lead County Council" in page
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "collaboration.created")).first() is not None


def test_collaboration_name_must_be_given_and_unique(world, sign_in_as):
    admin = sign_in_as("admin@lead.example")
    response = admin.submit("/admin/collaborations/new", {"name": ""})
    assert response.status_code == 400
    assert "Enter a collaboration name" in response.get_data(as_text=True)
    response = admin.submit("/admin/collaborations/new", {"name": "lead group mediation"})
    assert response.status_code == 400
    assert "A collaboration with this name already exists" in response.get_data(as_text=True)


def test_admin_adds_an_existing_authority_and_a_new_one(world, sign_in_as, db):
    admin = sign_in_as("admin@lead.example")
    url = f"/admin/collaborations/{world.collab.id}/members/add"
    form = admin.get(url).get_data(as_text=True)
    assert "Other City Council" in form
    assert "Supplier Ltd" not in form  # suppliers are never members
    assert admin.submit(url, {"organisation_id": world.other_lead.id}).status_code == 302
    response = admin.submit(f"/admin/collaborations/{world.collab.id}/members/new",
                            {"name": "NHS Example Integrated Care Board", "kind": "health_body"})
    assert response.status_code == 302
    page = admin.get(f"/admin/collaborations/{world.collab.id}").get_data(as_text=True)
    assert "4 members" in page
    assert "NHS Example Integrated Care Board" in page
    icb = db.exec(select(Organisation).where(Organisation.name == "NHS Example Integrated Care Board")).one()
    assert icb.kind == "health_body"
    assert db.exec(select(CollaborationMember).where(CollaborationMember.organisation_id == icb.id)).one()


def test_adding_a_member_without_choosing_one_shows_an_error(world, sign_in_as):
    admin = sign_in_as("admin@lead.example")
    response = admin.submit(f"/admin/collaborations/{world.collab.id}/members/add", {"organisation_id": "0"})
    assert response.status_code == 400
    assert 'href="#organisation_id">Select an organisation' in response.get_data(as_text=True)


def test_new_member_errors_keep_the_name_typed(world, sign_in_as):
    admin = sign_in_as("admin@lead.example")
    response = admin.submit(f"/admin/collaborations/{world.collab.id}/members/new",
                            {"name": "Partner Borough Council", "kind": "local_authority"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "An organisation with this name is already on Tenderapp" in page
    response = admin.submit(f"/admin/collaborations/{world.collab.id}/members/new", {"name": "Typed Council"})
    page = response.get_data(as_text=True)
    assert "Select the type of organisation" in page
    assert 'value="Typed Council"' in page


def test_lead_admin_changes_a_partner_users_roles(world, sign_in_as, db):
    admin = sign_in_as("admin@lead.example")
    url = f"/admin/users/{world.partner_signatory.id}/roles"
    form = admin.get(url).get_data(as_text=True)
    assert "Bidder" not in form  # not a role an authority can hold
    response = admin.submit(url, {"roles": ["signatory", "evaluator"]})
    assert response.status_code == 302
    roles = db.exec(select(RoleAssignment.role).where(RoleAssignment.user_id == world.partner_signatory.id)).all()
    assert sorted(roles) == ["evaluator", "signatory"]
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "user.roles_changed")).one()
    assert '"after":["evaluator","signatory"]' in event.details


def test_changed_roles_apply_on_the_next_request(world, sign_in_as):
    signatory = sign_in_as("signatory@partner.example")
    assert signatory.get("/admin/collaborations").status_code == 403
    sign_in_as("admin@lead.example").submit(f"/admin/users/{world.partner_signatory.id}/roles",
                                           {"roles": ["procurement_admin"]})
    # the new admin role applies at once, and with it the second factor admins need
    response = signatory.get("/admin/collaborations")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/two-factor/set-up?next=/admin/collaborations"


def test_admins_cannot_remove_their_own_admin_role(world, sign_in_as):
    admin = sign_in_as("admin@lead.example")
    response = admin.submit(f"/admin/users/{world.lead_admin.id}/roles", {"roles": ["evaluator"]})
    assert response.status_code == 400
    assert "You cannot remove your own procurement admin role" in response.get_data(as_text=True)


def test_a_partner_sees_its_own_organisation_only(world, sign_in_as):
    partner_admin = sign_in_as("admin@partner.example")
    assert partner_admin.get(f"/admin/organisations/{world.partner.id}").status_code == 200
    assert partner_admin.get(f"/admin/organisations/{world.lead.id}").status_code == 404
    assert partner_admin.get(f"/admin/collaborations/{world.collab.id}").status_code == 404
    listing = partner_admin.get("/admin/collaborations").get_data(as_text=True)
    assert "does not lead any collaboration" in listing
    organisation = partner_admin.get("/organisation").get_data(as_text=True)
    assert "signatory@partner.example" in organisation
    assert "admin@lead.example" not in organisation


def test_non_admins_get_forbidden_on_admin_pages(world, sign_in_as):
    viewer = sign_in_as("viewer@lead.example")
    response = viewer.get("/admin/collaborations")
    assert response.status_code == 403
    assert "You do not have permission" in response.get_data(as_text=True)
    assert "Collaborations" not in viewer.get("/dashboard").get_data(as_text=True).split("<main")[0]


def test_supplier_sees_its_own_dashboard(world, sign_in_as):
    bidder = sign_in_as("bidder@supplier.example")
    page = bidder.get("/dashboard").get_data(as_text=True)
    assert "Supplier Ltd" in page
    assert "Lead Group Mediation" not in page


def test_listing_pages_link_to_their_objects_as_real_links(world, sign_in_as):
    admin = sign_in_as("admin@lead.example")
    listing = admin.get("/admin/collaborations").get_data(as_text=True)
    assert f'<a class="govuk-link" href="/admin/collaborations/{world.collab.id}">Lead Group Mediation</a>' in listing
    members = admin.get(f"/admin/collaborations/{world.collab.id}").get_data(as_text=True)
    assert (f'<a class="govuk-link" href="/admin/organisations/{world.partner.id}">Partner Borough Council</a>'
            in members)
    assert '<strong class="govuk-tag govuk-tag--blue">Lead</strong>' in members
    people = admin.get(f"/admin/organisations/{world.partner.id}").get_data(as_text=True)
    assert (f'href="/admin/users/{world.partner_signatory.id}/roles">Change roles'
            '<span class="govuk-visually-hidden"> for ') in people
    assert "&lt;" not in listing + members + people


def test_success_banner_is_rendered_as_a_heading(world, sign_in_as):
    admin = sign_in_as("admin@lead.example")
    response = admin.submit("/admin/collaborations/new", {"name": "Banner <Group>"})
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert '<p class="govuk-notification-banner__heading">Collaboration “Banner &lt;Group&gt;” created</p>' in page


def test_adding_an_authority_to_your_collaboration_gives_no_power_over_its_people(world, sign_in_as, db):
    """Any authority's admin may start a collaboration and add members, but may manage only
    the people of organisations their authority brought onto Tenderapp."""
    partner_admin = sign_in_as("admin@partner.example")
    response = partner_admin.submit("/admin/collaborations/new", {"name": "Partner-led group"})
    collaboration_url = response.headers["Location"]
    collaboration_id = int(collaboration_url.rsplit("/", 1)[1])
    partner_admin.submit(f"/admin/collaborations/{collaboration_id}/members/add", {"organisation_id": world.lead.id})
    members = partner_admin.get(collaboration_url).get_data(as_text=True)
    assert "Lead County Council" in members
    assert f'href="/admin/organisations/{world.lead.id}"' not in members
    assert partner_admin.get(f"/admin/organisations/{world.lead.id}").status_code == 404
    assert partner_admin.get(f"/admin/organisations/{world.lead.id}/invite").status_code == 404
    response = partner_admin.submit(f"/admin/users/{world.lead_admin2.id}/roles", {"roles": ["viewer"]})
    assert response.status_code == 404
    roles = db.exec(select(RoleAssignment.role).where(RoleAssignment.user_id == world.lead_admin2.id)).all()
    assert roles == ["procurement_admin"]


def test_the_lead_manages_organisations_it_adds_as_new(world, sign_in_as, db):
    admin = sign_in_as("admin@lead.example")
    admin.submit(f"/admin/collaborations/{world.collab.id}/members/new",
                 {"name": "New Town Council", "kind": "local_authority"})
    new_town = db.exec(select(Organisation).where(Organisation.name == "New Town Council")).one()
    assert new_town.managed_by_organisation_id == world.lead.id
    assert admin.get(f"/admin/organisations/{new_town.id}/invite").status_code == 200
    assert sign_in_as("admin@other.example").get(f"/admin/organisations/{new_town.id}").status_code == 404
