"""Mentorwise settings: environment variables only, with safe development defaults.

Every value comes from the environment (read by django-environ); helpers below refuse
malformed values instead of guessing, and a production start (DEBUG off) without a
SECRET_KEY stops with an error.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

from mentorwise.core.files import (
    FILE_MODE,
    private_dir,
    private_file_write,
    private_sqlite,
    tighten,
)
from mentorwise.core.keys import GENERATE, secret_key_weakness
from mentorwise.core.languages import django_languages

BASE_DIR = Path(__file__).resolve().parent
env = environ.Env()

_TRUE = {"true", "1"}
_FALSE = {"false", "0"}


def envbool(name: str, default: bool) -> bool:
    """Read a boolean; only true/false/1/0 (any case) are accepted, `DEBUG=yes` is an error."""
    raw = env.str(name, default="")
    if raw == "":
        return default
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: use true or false")


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    """Read an integer, refusing non-numbers and values under `minimum`."""
    raw = env.str(name, default="")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: must be an integer") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value}: must be >= {minimum}")
    return value


def envsecret(name: str) -> str:
    """Read a secret from `NAME` or from the file named by `NAME_FILE` (container secrets)."""
    if path := env.str(f"{name}_FILE", default=""):
        return Path(path).read_text(encoding="utf-8").strip()
    return str(env.str(name, default=""))


DEBUG = envbool("DEBUG", True)
TESTING = False  # set by conftest.py

DATA_DIR = Path(env.str("MENTORWISE_DATA_DIR", default="var")).resolve()


def _data_dir() -> Path:
    # Owner-only (0700), and tightened if it exists: it holds the database, backups,
    # uploads and the development key (mentorwise/core/files.py).
    return private_dir(DATA_DIR)


SECRET_KEY = envsecret("SECRET_KEY")
if not DEBUG and SECRET_KEY and (weakness := secret_key_weakness(SECRET_KEY)):
    # Django's check --deploy only warns (security.W009); a guessable key lets anyone forge
    # sessions and sign-in links, so production refuses to start with one.
    raise ImproperlyConfigured(
        f"SECRET_KEY is too weak for production (DEBUG=false): {weakness}. "
        f"Generate a random one: {GENERATE}"
    )
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            f"SECRET_KEY is required when DEBUG is false. Generate one: {GENERATE}"
        )
    # Development only: a key generated once and kept in the data folder, so that
    # sessions survive a restart of `mentorwise demo`.
    key_file = _data_dir() / "dev-secret-key"
    if not key_file.exists():
        private_file_write(key_file, secrets.token_urlsafe(50).encode())
    tighten(key_file, FILE_MODE)
    SECRET_KEY = key_file.read_text(encoding="utf-8").strip()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "ninja",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "template_partials",
    "mentorwise.core",
    "mentorwise.accounts",
    "mentorwise.people",
    "mentorwise.messaging",
    "mentorwise.connectors",
    "mentorwise.availability",
    "mentorwise.programs",
    "mentorwise.learning",
    "mentorwise.sso",
    "mentorwise.matches",
    "mentorwise.relationships",
    "mentorwise.circles",
    "mentorwise.journeys",
    "mentorwise.notifications",
    "mentorwise.insights",
    "mentorwise.channels",
    "mentorwise.communications",
    "mentorwise.slack",
    "mentorwise.teams",
    "mentorwise.audit",
    "mentorwise.content",
    "mentorwise.api",
    "mentorwise.privacy",
    "mentorwise.demo",
    "mentorwise.scim",
    "mentorwise.jobs",
]

MIDDLEWARE = [
    "mentorwise.core.health.HealthCheckMiddleware",
    "mentorwise.core.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # A second session cookie (SameSite=None) that survives the identity provider's POST back
    # to the assertion consumer URL: it holds only the outstanding SAML requests.
    "djangosaml2.middleware.SamlSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "mentorwise.core.middleware.RejectNulCharactersMiddleware",
    "mentorwise.core.middleware.ContentReadingMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: the signed-in person's language comes before the browser's.
    "mentorwise.core.locale.PersonLocaleMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before the account middlewares, which answer HTMX requests with HX-Redirect.
    "django_htmx.middleware.HtmxMiddleware",
    "mentorwise.accounts.middleware.SessionLifetimeMiddleware",
    "mentorwise.accounts.middleware.TwoStepRequiredMiddleware",
    "mentorwise.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # Innermost: a view's empty 405 gets its page before the response goes back out.
    "mentorwise.core.errorpages.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "mentorwise.urls"
CSRF_FAILURE_VIEW = "mentorwise.core.errorpages.csrf_failure"
WSGI_APPLICATION = "mentorwise.wsgi.application"

# Django's own widget templates written out in Python (the same HTML; core/widgets.py).
FORM_RENDERER = "mentorwise.core.widgets.WidgetRenderer"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mentorwise.navigation.navigation",
            ],
            # `{% url %}` with URLs of integer ids built faster (core.idurls), in every template.
            "builtins": ["mentorwise.core.templatetags.idurl"],
        },
    }
]

# Databases ------------------------------------------------------------------------------
DATABASES = (
    {"default": env.db_url("DATABASE_URL", default="")}
    if env.str("DATABASE_URL", default="")
    else {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(_data_dir() / "mentorwise.sqlite3"),
        }
    }
)
_db: dict[str, Any] = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes every transaction take the write lock up front, so concurrent
    # writers wait (busy timeout) instead of failing on a read-to-write upgrade; WAL lets
    # readers proceed while one writer writes.
    # Created owner-only before SQLite creates it (its -wal and -shm files take its mode).
    private_sqlite(str(_db["NAME"]))
    _db.setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            # secure_delete: deleted and overwritten rows are zeroed in the file, so an
            # erased person's data does not linger in free space (privacy.erasure).
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
            ),
        }
    )
    # Each web thread keeps its connection: opening one (and its PRAGMAs) on every request
    # cost more than many of the pages' queries. Django closes it after an error.
    _db["CONN_MAX_AGE"] = envint("CONN_MAX_AGE", 600, minimum=0)
    # Django's backend with the project's compiler (core/db/sqlite3: each column's
    # converters worked out once per field). Tests use an in-memory database, as with
    # Django's engine (pytest-django recognises that one by its name only).
    _db["ENGINE"] = "mentorwise.core.db.sqlite3"
    _db.setdefault("TEST", {}).setdefault("NAME", ":memory:")
else:
    # Persistent connections only with health checks: without them the first request
    # after a database restart fails.
    _db["CONN_MAX_AGE"] = envint("CONN_MAX_AGE", 60, minimum=0)
    _db["CONN_HEALTH_CHECKS"] = True
    if _db["ENGINE"] == "django.db.backends.postgresql":
        # Values travel apart from the query's text, and a query a connection sends
        # DATABASE_PREPARE_THRESHOLD times is planned once and kept (psycopg's prepared
        # statements; 0 turns them off, e.g. behind PgBouncer older than 1.21 in transaction
        # mode). The backend sends long lists as one array and cuts bulk writes into batches
        # under the protocol's 65,535 values (core/db/postgresql). After `mentorwise migrate`
        # changes a column's type, restart the web processes (docs/deployment.md).
        _db["ENGINE"] = "mentorwise.core.db.postgresql"
        _prepare = envint("DATABASE_PREPARE_THRESHOLD", 5, minimum=0)
        _db.setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": _prepare or None}
        )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Sign-in (docs/security.md) ------------------------------------------------------------
# Password sign-in on the login page; switch it off once single sign-on works
# (`mentorwise break-glass-login` still lets an HR admin in, see docs/security.md).
MENTORWISE_LOCAL_LOGIN = envbool("MENTORWISE_LOCAL_LOGIN", True)
# Two-step sign-in for password logins (docs/security.md): roles that must use it
# (hr_admin, executive, or all); anybody may turn it on for themselves.
MENTORWISE_MFA_REQUIRED = env.list("MENTORWISE_MFA_REQUIRED", default=[])
MENTORWISE_MFA_ISSUER = env.str("MENTORWISE_MFA_ISSUER", default="Mentorwise")
# Passkeys are bound to this host name (default: the host of the request); set it when the
# site is reached under several names, to the one passkeys were registered under.
MENTORWISE_WEBAUTHN_RP_ID = env.str("MENTORWISE_WEBAUTHN_RP_ID", default="")
# Keys that seal stored secrets (core/sealed.py); first seals, all open. Default: SECRET_KEY.
MENTORWISE_ENCRYPTION_KEYS = [
    key for key in envsecret("MENTORWISE_ENCRYPTION_KEYS").split(",") if key.strip()
]
AUTHENTICATION_BACKENDS = [
    "mentorwise.accounts.backends.LoginThrottleBackend",  # lockout check, signs nobody in
    "mentorwise.accounts.backends.PasswordBackend",
    "mentorwise.sso.oidc.OIDCBackend",
    "mentorwise.sso.saml.SamlBackend",
    # Signs nobody in; marks sessions opened by a break-glass link (docs/security.md).
    "mentorwise.accounts.backends.BreakGlassBackend",
]

# Single sign-on with OpenID Connect: on when OIDC_OP_ISSUER and OIDC_RP_CLIENT_ID are set.
# Endpoints come from the issuer's discovery document unless set one by one.
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default="")
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = envsecret("OIDC_RP_CLIENT_SECRET")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = envint("OIDC_TIMEOUT", 10, minimum=1)
OIDC_VERIFY_SSL = envbool("OIDC_VERIFY_SSL", True)
OIDC_CREATE_USER = True
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:oidc_callback"
LOGIN_REDIRECT_URL_FAILURE = "login"

# Single sign-on with SAML 2.0 (djangosaml2 / pysaml2, xmlsec1): an HR admin sets the identity
# provider up at /account/sso/saml/settings/ (docs/security.md); this is how djangosaml2 reads it.
SAML_CONFIG_LOADER = "mentorwise.sso.saml_config.sp_config"
SAML_SESSION_COOKIE_NAME = "mentorwise_saml"
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
SAML_LOGOUT_REQUEST_PREFERRED_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
SAML_IGNORE_LOGOUT_ERRORS = True
SAML_CSP_HANDLER = ""
ACS_DEFAULT_REDIRECT_URL = "home"

# Webhook endpoints and HR connectors' servers must be https:// unless this is on (development,
# local fakes); see core/plain_http.py.
MENTORWISE_ALLOW_PLAIN_HTTP = envbool("MENTORWISE_ALLOW_PLAIN_HTTP", DEBUG)
# Slack (docs/slack.md): the Slack app's OAuth client and its signing secret; the API and
# authorize URLs change only for tests (a local fake of the Web API).
MENTORWISE_SLACK_CLIENT_ID = env.str("MENTORWISE_SLACK_CLIENT_ID", default="")
MENTORWISE_SLACK_CLIENT_SECRET = envsecret("MENTORWISE_SLACK_CLIENT_SECRET")
MENTORWISE_SLACK_SIGNING_SECRET = envsecret("MENTORWISE_SLACK_SIGNING_SECRET")
MENTORWISE_SLACK_API_URL = env.str("MENTORWISE_SLACK_API_URL", default="https://slack.com/api/")
MENTORWISE_SLACK_AUTHORIZE_URL = env.str(
    "MENTORWISE_SLACK_AUTHORIZE_URL", default="https://slack.com/oauth/v2/authorize"
)
# Microsoft Teams (docs/teams.md): the bot's Microsoft app id and password (client secret),
# and the tenant for a single-tenant bot; the OpenID metadata URL changes only for tests.
MENTORWISE_TEAMS_APP_ID = env.str("MENTORWISE_TEAMS_APP_ID", default="")
MENTORWISE_TEAMS_APP_PASSWORD = envsecret("MENTORWISE_TEAMS_APP_PASSWORD")
MENTORWISE_TEAMS_TENANT_ID = env.str("MENTORWISE_TEAMS_TENANT_ID", default="")
MENTORWISE_TEAMS_OPENID_METADATA_URL = env.str(
    "MENTORWISE_TEAMS_OPENID_METADATA_URL",
    default="https://login.botframework.com/v1/.well-known/openidconfiguration",
)
# Where the bot signs in for its outgoing calls (client credentials): the login URL, to
# which the tenant (or "botframework.com" for a multi-tenant bot) is added, and the scope.
# Other values only for a national cloud or tests (a local fake, https).
MENTORWISE_TEAMS_LOGIN_URL = env.str(
    "MENTORWISE_TEAMS_LOGIN_URL", default="https://login.microsoftonline.com"
)
MENTORWISE_TEAMS_OAUTH_SCOPE = env.str(
    "MENTORWISE_TEAMS_OAUTH_SCOPE", default="https://api.botframework.com/.default"
)
# The button text ("Sign in with Okta") and how a person is found on first sign-in: the
# Person field (email or employee_id) and the ID token / userinfo claim holding it.
MENTORWISE_OIDC_PROVIDER_NAME = env.str("MENTORWISE_OIDC_PROVIDER_NAME", default="single sign-on")
MENTORWISE_OIDC_MATCH_FIELD = env.str("MENTORWISE_OIDC_MATCH_FIELD", default="email")
if MENTORWISE_OIDC_MATCH_FIELD not in {"email", "employee_id"}:
    raise ImproperlyConfigured(
        f"MENTORWISE_OIDC_MATCH_FIELD={MENTORWISE_OIDC_MATCH_FIELD!r}: use email or employee_id"
    )
MENTORWISE_OIDC_MATCH_CLAIM = env.str(
    "MENTORWISE_OIDC_MATCH_CLAIM",
    default="email" if MENTORWISE_OIDC_MATCH_FIELD == "email" else "employee_id",
)

# First sign-ins matched by email need `email_verified: true` from the provider (or an
# employee-id claim equal to the person's). TRUST_EMAIL=true waives that for ordinary logins
# when the provider's emails are set by the organization and cannot be changed by users;
# privileged logins (HR admins, executives, program managers, holders of read-write or SCIM
# tokens) never link without that evidence (docs/security.md).
MENTORWISE_OIDC_TRUST_EMAIL = envbool("MENTORWISE_OIDC_TRUST_EMAIL", False)
MENTORWISE_OIDC_EMPLOYEE_ID_CLAIM = env.str(
    "MENTORWISE_OIDC_EMPLOYEE_ID_CLAIM", default="employee_id"
)

# Lockout after repeated failed password sign-ins (django-axes), per username and client
# address together, so that nobody can lock someone else out from another address.
AXES_FAILURE_LIMIT = envint("MENTORWISE_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=envint("MENTORWISE_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Password spraying (few passwords, many usernames, one address): an address is paused too
# once this many usernames have failed sign-ins from it within the cool-off that were not
# followed by a successful sign-in (accounts.backends.LoginThrottleHandler). High enough
# that an office behind one NAT is not paused by its colleagues' typos.
MENTORWISE_LOGIN_ADDRESS_LIMIT = envint("MENTORWISE_LOGIN_ADDRESS_LIMIT", 20, minimum=2)
AXES_HANDLER = "mentorwise.accounts.backends.LoginThrottleHandler"
AXES_RESET_ON_SUCCESS = True
# The pause runs from the lockout; attempts during it do not prolong it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_CLIENT_IP_CALLABLE = "mentorwise.accounts.backends.client_ip"
AXES_WHITELIST_CALLABLE = "mentorwise.accounts.backends.throttle_exempt"
AXES_VERBOSE = False
# Successful sign-ins are in the audit log already; axes keeps only failures.
AXES_DISABLE_ACCESS_LOG = True
# Number of reverse proxies in front of Mentorwise that append to X-Forwarded-For; 0 (the
# default) uses the connection's address and ignores the header, which clients can forge.
MENTORWISE_TRUSTED_PROXY_COUNT = envint("MENTORWISE_TRUSTED_PROXY_COUNT", 0, minimum=0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Reset links an HR admin sends (docs/security.md) work once, for this many hours.
PASSWORD_RESET_TIMEOUT = envint("MENTORWISE_PASSWORD_RESET_HOURS", 24, minimum=1) * 3600

# Sessions end after this much inactivity, and at the latest this long after sign-in.
MENTORWISE_SESSION_IDLE_MINUTES = envint("MENTORWISE_SESSION_IDLE_MINUTES", 60, minimum=1)
MENTORWISE_SESSION_MAX_HOURS = envint("MENTORWISE_SESSION_MAX_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = MENTORWISE_SESSION_MAX_HOURS * 3600
# Django's database sessions, read with SQL compiled once (core/sessions.py).
SESSION_ENGINE = "mentorwise.core.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
# The pseudo-locale (accented, longer, bracketed English) exposes untranslated text and
# layouts that break with longer words; the tests switch it on, people never see it.
MENTORWISE_PSEUDO_LOCALE = env.bool("MENTORWISE_PSEUDO_LOCALE", default=False)
LANGUAGES = django_languages(pseudo=MENTORWISE_PSEUDO_LOCALE)
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = _data_dir() / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Uploads: HRIS files up to 50 MB (100,000 people is about 15 MB).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Files saved through the storage API are owner-only; large uploads are spooled by Python's
# tempfile (0600) in the system's temporary folder.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
MENTORWISE_MAX_IMPORT_BYTES = envint("MENTORWISE_MAX_IMPORT_BYTES", 50 * 1024 * 1024, minimum=1)

# SCIM provisioning (/scim/v2, docs/scim.md): the Person field a SCIM userName is (the work
# email, or the employee id), and the largest page a SCIM list returns.
MENTORWISE_SCIM_USERNAME = env.str("MENTORWISE_SCIM_USERNAME", default="email")
if MENTORWISE_SCIM_USERNAME not in {"email", "employee_id"}:
    raise ImproperlyConfigured(
        f"MENTORWISE_SCIM_USERNAME={MENTORWISE_SCIM_USERNAME!r}: use email or employee_id"
    )
MENTORWISE_SCIM_MAX_RESULTS = envint("MENTORWISE_SCIM_MAX_RESULTS", 200, minimum=1)

# Cache ----------------------------------------------------------------------------------
# Expensive results (outcome estimates) are cached for every web process: by default in files
# under the data folder (one host); CACHE_URL (e.g. redis://host:6379/1, with the redis
# package installed) shares them between hosts.
CACHES = {
    "default": env.cache_url("CACHE_URL", default="")
    if env.str("CACHE_URL", default="")
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(_data_dir() / "cache"),
        # Django's default of 300 files would drop random entries (the aggregates' data
        # generation among them) once each program and scope has its figures cached.
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}
# Dashboard figures (core.aggregates) are kept until the next committed write, and at most
# this long (figures that change with the clock alone, such as a pair becoming stalled, are
# at most this late); 0 turns that cache off.
AGGREGATE_CACHE_SECONDS = envint("AGGREGATE_CACHE_SECONDS", 300, minimum=0)

# Email ----------------------------------------------------------------------------------
# EMAIL_URL=outbox: keeps every message in the database instead of sending it, for HR admins
# to read at /outbox/ (core/outbox.py). It is the default while DEBUG is on (development and
# `mentorwise demo`); production keeps the console default unless configured otherwise.
_email_url = env.str("EMAIL_URL", default="outbox:" if DEBUG else "consolemail://")
if _email_url.split(":", 1)[0] == "outbox" and not DEBUG:
    # The outbox shows every e-mail, password links included, to HR admins: demo only.
    raise ImproperlyConfigured(
        "EMAIL_URL=outbox: keeps every e-mail (password links included) readable by HR "
        "admins; it is for development and the demo only. Set EMAIL_URL to a mail server."
    )
_email: dict[str, Any] = (
    {"EMAIL_BACKEND": "mentorwise.core.outbox.OutboxBackend"}
    if _email_url.split(":", 1)[0] == "outbox"
    else environ.Env.email_url_config(_email_url)
)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Mentorwise <mentorwise@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Production hardening (DEBUG off) -------------------------------------------------------
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # `__Host-` cookies are only accepted over HTTPS, for this host, for every path.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SAML_SESSION_COOKIE_NAME = "__Host-mentorwise_saml"
    if envbool("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Response headers (always on; docs/security.md) ----------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # No inline script, no eval: every script is a file under /static/.
        "script-src": ["'self'"],
        # Inline style attributes remain in some templates (docs/security.md).
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
}

# Mentorwise -----------------------------------------------------------------------------
# The address people use to reach this installation; links in emails start with it.
MENTORWISE_BASE_URL = env.str("MENTORWISE_BASE_URL", default="http://127.0.0.1:8000")
# Seconds a chat channel (Slack, Teams) may take for one send (docs/notifications.md).
MENTORWISE_CHANNEL_TIMEOUT = env.float("MENTORWISE_CHANNEL_TIMEOUT", default=10.0)
# Seconds the circle solver may spend on a run in the background worker; it then answers
# with its best assignment and the gap it proved (a run computed in the request stops at
# 10 s at most; docs/circles.md).
MENTORWISE_CIRCLE_TIME_LIMIT_S = envint("MENTORWISE_CIRCLE_TIME_LIMIT_S", 60, minimum=1)
# Minutes after which a matching or circle run still queued or running is taken for lost
# (its worker stopped): the next run of the program marks it failed (docs/matching.md).
MENTORWISE_RUN_STALE_MINUTES = envint("MENTORWISE_RUN_STALE_MINUTES", 60, minimum=5)
# Dates in HRIS files: ISO 8601 always; one extra strptime format may be configured
# (e.g. "%m/%d/%Y"); formats are never guessed row by row.
MENTORWISE_IMPORT_DATE_FORMAT = env.str("MENTORWISE_IMPORT_DATE_FORMAT", default="")
# A full import (people missing from the file are terminated) that would terminate more than
# this percentage of the people employed waits for an HR admin to confirm the number.
MENTORWISE_IMPORT_TERMINATION_LIMIT = envint("MENTORWISE_IMPORT_TERMINATION_LIMIT", 10, minimum=0)
# Aggregates over fewer people than this are suppressed.
MENTORWISE_MIN_GROUP_SIZE = envint("MENTORWISE_MIN_GROUP_SIZE", 5, minimum=5)
# Where a safety report goes when everyone who oversees the relationship is in it (the only
# manager and the only HR admin): an HR or ethics mailbox (relationships/safety.py).
MENTORWISE_SAFETY_CONTACT = env.str("MENTORWISE_SAFETY_CONTACT", default="").strip()
if MENTORWISE_SAFETY_CONTACT:
    try:
        validate_email(MENTORWISE_SAFETY_CONTACT)
    except ValidationError:
        raise ImproperlyConfigured(
            f"MENTORWISE_SAFETY_CONTACT={MENTORWISE_SAFETY_CONTACT!r}: must be an email address"
        ) from None
# Pipeline insights: senior leaders are people at this job level or above; first-time
# managers became managers within this many months.
MENTORWISE_SENIOR_LEADER_LEVEL = envint("MENTORWISE_SENIOR_LEADER_LEVEL", 8, minimum=1)
MENTORWISE_FIRST_TIME_MANAGER_MONTHS = envint("MENTORWISE_FIRST_TIME_MANAGER_MONTHS", 12, minimum=1)
# Retention (docs/privacy.md): private notes unchanged for this many days are deleted, and
# survey text answers this old are blanked, by `send-nudges` and `purge-retention`; 0 keeps
# them forever.
MENTORWISE_RETAIN_PRIVATE_NOTES_DAYS = envint(
    "MENTORWISE_RETAIN_PRIVATE_NOTES_DAYS", 730, minimum=0
)
MENTORWISE_RETAIN_SURVEY_TEXT_DAYS = envint("MENTORWISE_RETAIN_SURVEY_TEXT_DAYS", 730, minimum=0)

# Calendars (docs/calendars.md): the OAuth apps people consent to one by one (the
# organisation-wide consent is set on the page /people/calendars/ instead), and the
# providers' addresses (changed only to point tests at local fakes).
MENTORWISE_MICROSOFT_CLIENT_ID = env.str("MENTORWISE_MICROSOFT_CLIENT_ID", default="")
MENTORWISE_MICROSOFT_CLIENT_SECRET = envsecret("MENTORWISE_MICROSOFT_CLIENT_SECRET")
MENTORWISE_MICROSOFT_TENANT = env.str("MENTORWISE_MICROSOFT_TENANT", default="organizations")
MENTORWISE_GOOGLE_CLIENT_ID = env.str("MENTORWISE_GOOGLE_CLIENT_ID", default="")
MENTORWISE_GOOGLE_CLIENT_SECRET = envsecret("MENTORWISE_GOOGLE_CLIENT_SECRET")
MENTORWISE_CALENDAR_ENDPOINTS = {
    "microsoft_login": "https://login.microsoftonline.com",
    "graph": "https://graph.microsoft.com/v1.0",
    "google_authorize": "https://accounts.google.com/o/oauth2/v2/auth",
    "google_token": "https://oauth2.googleapis.com/token",
    "google_calendar": "https://www.googleapis.com/calendar/v3",
}

# Background work (emails, nudges, large matching runs) through django-tasks, the backport
# of Django 6's tasks framework: the database backend needs no extra service; a worker
# runs with `mentorwise db_worker`. Tests and `MENTORWISE_TASKS=immediate` run tasks inline.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env.str("MENTORWISE_TASKS", default="database") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# Logs ------------------------------------------------------------------------------------
# Everything goes to stderr (the process manager or container runtime collects it). With
# LOG_FORMAT=json each line is one JSON object (for Loki, Elasticsearch, CloudWatch...);
# `mentorwise.request` writes one line per request (method, path without the query string,
# status, duration_ms, user_id).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: use plain or json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Our request line replaces Django's 4xx warnings and runserver's access line.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        # pysaml2 and djangosaml2 log whole assertions (names, addresses, employee ids) at
        # INFO and WARNING; Mentorwise logs and audits each refusal with its reason itself.
        "saml2": {"level": "CRITICAL"},
        "djangosaml2": {"level": "CRITICAL"},
        "xmlschema": {"level": "WARNING"},
        "mentorwise.request": {"level": env.str("LOG_REQUESTS_LEVEL", default="INFO")},
        # PDF rendering narrates every step and font subset at INFO: only problems matter.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}
