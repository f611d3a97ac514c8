def test_login_page_is_in_vietnamese_and_accessible(new_page, live_server, assert_accessible):
    # Even for a browser that asks for English: Vietnamese is the default.
    page = new_page(locale="en-US")
    page.goto(f"{live_server.url}/login/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text() == "Đăng nhập"
    assert page.get_by_label("Tên đăng nhập").is_visible()
    assert page.get_by_label("Mật khẩu").is_visible()
    assert_accessible(page)


def test_anonymous_visitor_is_sent_to_the_login_page(page, live_server):
    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url


def test_dost_staff_signs_in_through_the_form(page, live_server, login, dost_staff):
    login(page, dost_staff)
    assert "/login/" not in page.url
    page.goto(f"{live_server.url}/login/")
    # A signed-in user is not asked to sign in again.
    assert "/login/" not in page.url


def test_wrong_password_is_refused_with_a_vietnamese_message(page, live_server, dost_staff):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", dost_staff.username)
    page.fill("#id_password", "sai-mật-khẩu")
    page.click("button[type=submit]")
    assert "/login/" in page.url
    assert "Vui lòng nhập đúng tên đăng nhập" in page.locator("[role=alert]").inner_text()


def test_the_language_switch_turns_the_interface_to_english_and_back(page, live_server):
    page.goto(f"{live_server.url}/login/")
    page.select_option("#language-select", "en")
    page.get_by_role("button", name="Chuyển").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Sign in"
    assert page.locator("html").get_attribute("lang") == "en"
    page.select_option("#language-select", "vi")
    page.get_by_role("button", name="Switch").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Đăng nhập"
