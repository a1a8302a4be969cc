def test_start_page_shows_sign_in(client, app):
    response = client.get("/")
    assert response.status_code == 200
    assert "Buy services together" in response.get_data(as_text=True)


def test_admin_signs_in_and_sees_dashboard(world, browser):
    browser.sign_in("admin@lead.example")
    page = browser.get("/dashboard").get_data(as_text=True)
    assert "Lead County Council" in page
    assert "Lead Group Mediation" in page
