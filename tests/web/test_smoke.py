def test_start_page_shows_sign_in(client, app):
    response = client.get("/")
    assert response.status_code == 200
    assert "Buy services together" in response.get_data(as_text=True)


def test_admin_signs_in_and_sees_dashboard(world, browser):
    browser.sign_in("admin@lead.example")
    page = browser.get("/dashboard").get_data(as_text=True)
    assert "Lead County Council" in page
    assert "Lead Group Mediation" in page


def test_the_accessibility_statement_is_public_and_linked_from_every_page(client, app):
    page = client.get("/accessibility")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for heading in ["How accessible this service is", "Feedback and contact information", "Enforcement procedure",
                    "Compliance status", "Preparation of this accessibility statement"]:
        assert heading in text
    assert "29 November 2026" in text
    assert "the authority that leads your collaboration" in text
    assert 'href="/accessibility">Accessibility statement</a>' in client.get("/sign-in").get_data(as_text=True)
    app.config["ACCESSIBILITY_CONTACT"] = "access@lead.example"
    try:
        assert 'href="mailto:access@lead.example"' in client.get("/accessibility").get_data(as_text=True)
    finally:
        app.config["ACCESSIBILITY_CONTACT"] = None
