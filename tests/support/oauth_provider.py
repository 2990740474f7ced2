"""A small OAuth 2 / OpenID Connect provider on loopback, for driving social sign-in for real.

It serves a discovery document, an authorization endpoint (which signs in whoever the test
chose, or refuses), a token endpoint (client authentication, single-use codes, PKCE, id tokens
signed with an RSA key generated at start-up), a JWKS endpoint and a Graph-API-like ``/me`` for
the Facebook flow. Tests bend its answers through ``Provider.tamper`` to play a broken or
hostile provider.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import Flask, abort, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

KID = "test-key-1"


@dataclass
class Account:
    """A person's account at the provider."""

    subject: str
    name: str = "Siri Solberg"
    email: str | None = "siri@example.com"
    email_verified: bool = True
    picture: str | None = "https://pictures.example.com/siri.jpg"


@dataclass
class Provider:
    """The provider's state: clients, codes, tokens, and what the next sign-in will be."""

    clients: dict[str, str] = field(default_factory=dict)
    account: Account = field(default_factory=lambda: Account(subject="siri-1"))
    # Knobs for negative tests: "deny" (an error code for the redirect), "claims" (overrides
    # of id-token claims), "other_key" (sign with a key the JWKS does not hold), "no_id_token".
    tamper: dict[str, Any] = field(default_factory=dict)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, Account] = field(default_factory=dict)
    token_requests: int = 0
    base_url: str = ""

    def __post_init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": KID, "use": "sig"}, private=True)
        self.other_key = RSAKey.generate_key(2048, parameters={"kid": KID}, private=True)
        self._server: BaseWSGIServer | None = None

    def reset(self) -> None:
        """Forget the last test's choices (codes stay spent)."""
        self.account = Account(subject="siri-1")
        self.tamper = {}

    # -- serving --------------------------------------------------------------------------

    def start(self) -> None:
        """Serve on a free loopback port in a daemon thread."""
        self._server = make_server(
            "127.0.0.1", 0, _make_app(self), threaded=True, request_handler=_QuietHandler
        )
        self.base_url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def issuer(self) -> str:
        return self.base_url

    def id_token(
        self, account: Account, client_id: str, nonce: str | None, access_token: str
    ) -> str:
        """Return a signed id token (bent by ``tamper["claims"]`` and ``tamper["other_key"]``)."""
        now = int(time.time())
        digest = hashlib.sha256(access_token.encode()).digest()
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": account.subject,
            "aud": client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "name": account.name,
            "at_hash": base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode(),
        }
        if account.email is not None:
            claims["email"] = account.email
            claims["email_verified"] = account.email_verified
        if account.picture is not None:
            claims["picture"] = account.picture
        claims.update(self.tamper.get("claims", {}))
        claims = {k: v for k, v in claims.items() if v is not None}
        key = self.other_key if self.tamper.get("other_key") else self.key
        return jwt.encode({"alg": "RS256", "kid": KID}, claims, key)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Keep the test output clean."""


def _client_credentials(provider: Provider) -> str:
    """Return the authenticated client id of a token request, or stop with 401."""
    client_id, secret = request.form.get("client_id", ""), request.form.get("client_secret", "")
    if request.authorization and request.authorization.type == "basic":
        client_id = request.authorization.username or ""
        secret = request.authorization.password or ""
    expected = provider.clients.get(client_id)
    if expected is None or not hmac.compare_digest(expected, secret):
        abort(401)
    return client_id


def _make_app(provider: Provider) -> Flask:
    app = Flask("oauth_provider")

    @app.get("/.well-known/openid-configuration")
    def discovery() -> Any:
        base = provider.base_url
        return jsonify(
            issuer=provider.issuer,
            authorization_endpoint=f"{base}/authorize",
            token_endpoint=f"{base}/token",
            jwks_uri=f"{base}/jwks",
            userinfo_endpoint=f"{base}/userinfo",
            response_types_supported=["code"],
            subject_types_supported=["public"],
            id_token_signing_alg_values_supported=["RS256"],
            code_challenge_methods_supported=["S256"],
            token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
            scopes_supported=["openid", "email", "profile"],
        )

    @app.get("/jwks")
    def jwks() -> Any:
        return jsonify(keys=[provider.key.as_dict(private=False)])

    @app.get("/authorize")
    def authorize() -> Any:
        args = request.args
        if args.get("client_id") not in provider.clients or not args.get("redirect_uri"):
            abort(400)
        redirect_uri = args["redirect_uri"]
        state = {"state": args["state"]} if "state" in args else {}
        if provider.tamper.get("deny"):
            return redirect(
                f"{redirect_uri}?"
                + urlencode(
                    {"error": provider.tamper["deny"], "error_description": "refused", **state}
                )
            )
        code = secrets.token_urlsafe(16)
        provider.codes[code] = {
            "client_id": args["client_id"],
            "redirect_uri": redirect_uri,
            "nonce": args.get("nonce"),
            "scope": args.get("scope", ""),
            "challenge": args.get("code_challenge"),
            "account": provider.account,
            "used": False,
        }
        return redirect(f"{redirect_uri}?" + urlencode({"code": code, **state}))

    @app.post("/token")
    def token() -> Any:
        provider.token_requests += 1
        client_id = _client_credentials(provider)
        grant = provider.codes.get(request.form.get("code", ""))
        if grant is None or grant["used"] or grant["client_id"] != client_id:
            return jsonify(error="invalid_grant"), 400
        grant["used"] = True  # a code works once, whatever happens next
        if request.form.get("redirect_uri") != grant["redirect_uri"]:
            return jsonify(error="invalid_grant", error_description="redirect_uri"), 400
        if grant["challenge"]:
            verifier = request.form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
                return jsonify(error="invalid_grant", error_description="PKCE"), 400
        access_token = secrets.token_urlsafe(24)
        provider.tokens[access_token] = grant["account"]
        body: dict[str, Any] = {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 3600,
        }
        if "openid" in grant["scope"].split() and not provider.tamper.get("no_id_token"):
            body["id_token"] = provider.id_token(
                grant["account"], client_id, grant["nonce"], access_token
            )
        return jsonify(body)

    def _bearer() -> tuple[str, Account]:
        header = request.headers.get("Authorization", "")
        access_token = header.removeprefix("Bearer ").strip()
        account = provider.tokens.get(access_token)
        if account is None:
            abort(401)
        return access_token, account

    @app.get("/graph/me")
    def graph_me() -> Any:
        access_token, account = _bearer()
        secret = next(iter(s for c, s in provider.clients.items() if c.startswith("facebook")))
        proof = hmac.new(secret.encode(), access_token.encode(), hashlib.sha256).hexdigest()
        if request.args.get("appsecret_proof") != proof:
            return jsonify(error={"message": "Invalid appsecret_proof", "code": 100}), 400
        fields = set(request.args.get("fields", "id,name").split(","))
        data: dict[str, Any] = {"id": account.subject}
        if "name" in fields:
            data["name"] = account.name
        if "email" in fields and account.email is not None:
            data["email"] = account.email
        if "picture" in fields and account.picture is not None:
            data["picture"] = {"data": {"url": account.picture, "is_silhouette": False}}
        return jsonify(data)

    return app
