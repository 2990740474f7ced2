"""Social sign-in clients (authlib): Facebook over OAuth 2, Google and LinkedIn over OIDC.

Each app gets its own authlib registry, holding only the providers whose client id and secret
are set. Every endpoint comes from the settings, so tests (and odd deployments) can point them
elsewhere. What a provider returns is reduced to a ``ProviderProfile``; nothing is stored here.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import asdict, dataclass
from typing import Any, cast

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client.errors import MismatchingStateError
from authlib.integrations.flask_client import OAuth, OAuthError
from authlib.integrations.flask_client.apps import FlaskOAuth2App
from flask import Flask, current_app
from joserfc.errors import JoseError

from cvbank.errors import NotFound, Unauthorized
from cvbank.settings import Settings

log = logging.getLogger(__name__)

PROVIDERS = ("facebook", "google", "linkedin")
LABELS = {"facebook": "Facebook", "google": "Google", "linkedin": "LinkedIn"}
EXTENSION = "cvbank.oauth"
HTTP_TIMEOUT = 10.0


@dataclass(frozen=True)
class ProviderProfile:
    """What one provider said about the person who signed in."""

    provider: str
    subject: str
    email: str | None
    email_verified: bool
    name: str
    picture_url: str | None

    def to_json(self) -> dict[str, Any]:
        """Return the profile as plain data (kept in the signed session between steps)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProviderProfile:
        """Rebuild a profile from ``to_json`` output."""
        return cls(
            provider=str(data["provider"]),
            subject=str(data["subject"]),
            email=data.get("email"),
            email_verified=bool(data.get("email_verified")),
            name=str(data.get("name") or ""),
            picture_url=data.get("picture_url"),
        )


def init_app(app: Flask) -> None:
    """Register the configured providers with a registry of this app's own."""
    settings: Settings = app.extensions["cvbank"].settings
    oauth = OAuth(app)
    common = {"default_timeout": HTTP_TIMEOUT, "code_challenge_method": "S256"}
    if settings.facebook_client_id and settings.facebook_client_secret:
        oauth.register(
            "facebook",
            client_id=settings.facebook_client_id,
            client_secret=settings.facebook_client_secret,
            authorize_url=settings.facebook_authorize_url,
            access_token_url=settings.facebook_token_url,
            api_base_url=settings.facebook_graph_url,
            # Facebook expects the client credentials in the token request's body.
            client_kwargs={
                "scope": "email public_profile",
                "token_endpoint_auth_method": "client_secret_post",
                **common,
            },
        )
    if settings.google_client_id and settings.google_client_secret:
        oauth.register(
            "google",
            client_id=settings.google_client_id,
            client_secret=settings.google_client_secret,
            server_metadata_url=settings.google_discovery_url,
            client_kwargs={"scope": "openid email profile", **common},
        )
    if settings.linkedin_client_id and settings.linkedin_client_secret:
        oauth.register(
            "linkedin",
            client_id=settings.linkedin_client_id,
            client_secret=settings.linkedin_client_secret,
            server_metadata_url=settings.linkedin_discovery_url,
            # LinkedIn's token endpoint accepts client credentials only in the body.
            client_kwargs={
                "scope": "openid email profile",
                "token_endpoint_auth_method": "client_secret_post",
                **common,
            },
        )
    app.extensions[EXTENSION] = oauth


def enabled_providers() -> list[str]:
    """Return the providers configured for this app, in display order."""
    oauth = current_app.extensions[EXTENSION]
    return [name for name in PROVIDERS if name in oauth._registry]


def _client(provider: str) -> FlaskOAuth2App:
    if provider not in enabled_providers():
        raise NotFound("This sign-in provider is not available.", code="unknown_provider")
    return cast(FlaskOAuth2App, current_app.extensions[EXTENSION].create_client(provider))


def authorize_redirect(provider: str, redirect_uri: str) -> Any:
    """Send the browser to the provider, with state, PKCE and (for OIDC) a nonce."""
    client = _client(provider)
    try:
        return client.authorize_redirect(redirect_uri)
    except (requests.RequestException, AuthlibBaseError, ValueError) as exc:
        # The discovery document could not be fetched or read.
        log.warning("cannot start sign-in with %s: %s", provider, exc)
        raise Unauthorized(
            f"{LABELS[provider]} cannot be reached now.", code="oauth_unavailable"
        ) from exc


def fetch_profile(provider: str, client_secret: str) -> ProviderProfile:
    """Finish the provider's redirect: check state, exchange the code, check the id token."""
    client = _client(provider)
    label = LABELS[provider]
    try:
        if provider == "facebook":
            return _facebook_profile(client, client.authorize_access_token(), client_secret)
        # authlib checks the issuer by default but not the audience: both are named here.
        issuer = client.load_server_metadata()["issuer"]
        claims_options = {
            "iss": {"essential": True, "values": [issuer]},
            "aud": {"essential": True, "values": [client.client_id]},
        }
        return _oidc_profile(provider, client.authorize_access_token(claims_options=claims_options))
    except MismatchingStateError as exc:
        log.warning("sign-in with %s: missing or wrong state", provider)
        raise Unauthorized(
            "This sign-in link is not valid in this browser. Please start again.",
            code="oauth_state",
        ) from exc
    except OAuthError as exc:
        if exc.error == "access_denied":
            raise Unauthorized(
                f"You cancelled signing in with {label}.", code="oauth_denied"
            ) from exc
        log.warning("sign-in with %s failed: %s %s", provider, exc.error, exc.description)
        raise Unauthorized(
            f"{label} did not let you sign in. Please try again.", code="oauth_failed"
        ) from exc
    except (
        JoseError,
        AuthlibBaseError,
        requests.RequestException,
        ValueError,
        KeyError,
        TypeError,
    ) as exc:
        # A bad id token (signature, issuer, audience, expiry, nonce) lands here too.
        log.warning("sign-in with %s refused: %s: %s", provider, type(exc).__name__, exc)
        raise Unauthorized(
            f"The answer from {label} could not be trusted, so you were not "
            "signed in. Please try again.",
            code="oauth_failed",
        ) from exc


def _oidc_profile(provider: str, token: dict[str, Any]) -> ProviderProfile:
    claims = token.get("userinfo")
    if not claims:
        # authlib checks an id token only when one comes back; an OIDC answer without one
        # proves nothing about who signed in.
        raise ValueError("the token response carried no id_token")
    subject = str(claims["sub"])
    email = claims.get("email")
    return ProviderProfile(
        provider=provider,
        subject=subject,
        email=str(email).strip().lower() if email else None,
        email_verified=claims.get("email_verified") in (True, "true"),
        name=str(claims.get("name") or "")[:200],
        picture_url=_clean_url(claims.get("picture")),
    )


def _facebook_profile(
    client: FlaskOAuth2App, token: dict[str, Any], client_secret: str
) -> ProviderProfile:
    access_token = str(token["access_token"])
    # appsecret_proof ties every Graph call to this app's secret (Facebook's recommendation).
    proof = hmac.new(client_secret.encode(), access_token.encode(), hashlib.sha256).hexdigest()
    response = client.get(
        "me", token=token, params={"fields": "id,name,email,picture", "appsecret_proof": proof}
    )
    response.raise_for_status()
    data = response.json()
    email = data.get("email")
    picture = (data.get("picture") or {}).get("data") or {}
    return ProviderProfile(
        provider="facebook",
        subject=str(data["id"]),
        email=str(email).strip().lower() if email else None,
        # Facebook says nothing about whether an address was confirmed, so cvbank checks it.
        email_verified=False,
        name=str(data.get("name") or "")[:200],
        picture_url=_clean_url(picture.get("url")),
    )


def _clean_url(value: Any) -> str | None:
    if isinstance(value, str) and value.startswith("https://") and len(value) <= 1000:
        return value
    return None
