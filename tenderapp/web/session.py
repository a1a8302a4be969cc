"""Flask-Login wired to server-side sessions: the cookie carries a session token, and a
token whose session has ended signs nobody in."""

from flask import Flask, request
from flask_login import LoginManager

from tenderapp import clock
from tenderapp.db import get_session
from tenderapp.services import auth
from tenderapp.services.auth import ClientInfo


def client_info() -> ClientInfo:
    return ClientInfo(ip_address=request.remote_addr, user_agent=request.headers.get("User-Agent"))


def init_app(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see this page"
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(token: str):
        return auth.load_actor(get_session(), token, clock.now())
