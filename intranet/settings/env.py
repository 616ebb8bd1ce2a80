"""Typed, validated configuration read from environment variables (and an optional ``.env``).

Every variable is listed in ``deploy/README.md``. Invalid values fail at start-up with one message
naming every bad variable, instead of surfacing later as a confusing runtime error.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

CommaList = Annotated[list[str], NoDecode]


class Env(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    secret_key: SecretStr = SecretStr("")
    debug: bool = False
    allowed_hosts: CommaList = Field(default_factory=lambda: ["127.0.0.1", "localhost"])
    csrf_trusted_origins: CommaList = Field(default_factory=list)
    # Unset: http://127.0.0.1:<PORT>, so ``PORT=8100 make run`` writes working links into e-mails.
    site_url: str = ""
    port: int = Field(default=8000, ge=1, le=65535)

    database_url: str | None = None
    database_pool_min: int = Field(default=2, ge=0)
    database_pool_max: int = Field(default=10, ge=1)
    database_pool: bool = True
    # Seconds a request waits for a pooled connection, and a new connection for PostgreSQL: a
    # database outage answers a 503 after this long instead of hanging (settings/database.py).
    database_pool_timeout: float = Field(default=5.0, gt=0)
    database_connect_timeout: int = Field(default=5, ge=2)
    # Streaming read replicas (comma-separated URLs): aliases ``replica_1``, ``replica_2``... that
    # serve the reads of web requests (intranet/core/dbrouter.py). Empty: every query on the primary.
    database_replica_urls: CommaList = Field(default_factory=list)
    # ``pgbouncer``: the URLs lead to PgBouncer in transaction pooling, so no server-side prepared
    # statements or cursors (settings/database.py).
    database_pooler: Literal["", "pgbouncer"] = ""
    # Seconds a person who wrote reads from the primary (read-your-writes, core/dbrouter.py).
    database_primary_pin_seconds: int = Field(default=10, ge=0)

    redis_url: str | None = None
    celery_broker_url: str | None = None
    celery_always_eager: bool | None = None
    # Hard limit of every task, and how long Redis waits before a task whose worker died unacked is
    # delivered to another worker (unset: derived from the limit; see intranet/settings/base.py).
    celery_task_time_limit: int = Field(default=600, ge=1)
    celery_visibility_timeout: int | None = Field(default=None, ge=1)

    email_host: str | None = None
    email_port: int = 587
    email_host_user: str = ""
    email_host_password: SecretStr = SecretStr("")
    email_use_tls: bool = True
    default_from_email: str = "Intranet <intranet@example.com>"

    signup_email_domains: CommaList = Field(default_factory=list)
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_name: str = "Company login"

    community_creation_restricted: bool = False
    # Erasure (GDPR Art. 17, intranet/accounts/erasure/): what happens to an erased person's direct
    # messages and community posts. Retention (intranet/privacy/retention/): days each kind of data
    # is kept; 0 keeps it for ever (docs/privacy.md).
    erasure_direct_messages: Literal["delete", "anonymise"] = "delete"
    erasure_posts: Literal["anonymise", "delete"] = "anonymise"
    retention_direct_messages_days: int = Field(default=0, ge=0)
    retention_notifications_days: int = Field(default=0, ge=0)
    retention_audit_days: int = Field(default=0, ge=0)
    retention_reports_days: int = Field(default=0, ge=0)
    retention_exam_attempts_days: int = Field(default=0, ge=0)
    retention_inactive_accounts_days: int = Field(default=0, ge=0)
    # Rows one run of the nightly retention job removes per kind at most (the rest follow next night).
    retention_batch_size: int = Field(default=5000, ge=1)
    retention_webhook_deliveries_days: int = Field(default=30, ge=0)
    # Reverse proxies in front of the application that append to ``client_ip_header``; ``None``
    # (unset) fails ``check --deploy`` under the production settings, which trust a proxy.
    trusted_proxy_count: int | None = Field(default=None, ge=0)
    client_ip_header: str = "X-Forwarded-For"
    # Staff and coordinators must set up a second factor; ``None``: on in production, off elsewhere.
    require_mfa_for_staff: bool | None = None

    time_zone: str = "Europe/Berlin"
    # The time zones offered first in every time-zone picker (comma-separated IANA names); empty: a
    # European default (intranet/core/timezones.py).
    common_time_zones: CommaList = Field(default_factory=list)
    language_code: Literal["de", "en"] = "de"
    media_root: str = "media"
    # Behind nginx: the ``internal`` location private uploads are sent from (X-Accel-Redirect).
    attachments_accel_redirect_prefix: str = ""
    static_root: str = "staticfiles"
    log_format: Literal["console", "json"] = "console"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    secure_ssl_redirect: bool = True
    # Outgoing webhooks: plain http allowed, hosts and networks (CIDR) exempt from the SSRF check,
    # failed attempts in a row before a subscription is switched off.
    webhook_allow_http: bool = False
    webhook_allowed_hosts: CommaList = Field(default_factory=list)
    webhook_allowed_networks: CommaList = Field(default_factory=list)
    webhook_disable_after: int = Field(default=15, ge=1)
    # The Celery queue of webhook sending (slow receivers then hold only its workers); unset: default.
    webhook_queue: str | None = None
    # Benchmark hooks (``make bench`` only): the constant "limit" view and a query-count header.
    benchmark: bool = False

    # Works-council switches (intranet/core/switches.py, docs/privacy.md); defaults keep today's
    # behaviour. HEALTH_MIN_GROUP_SIZE is read as an alias when PRIVACY_MIN_GROUP_SIZE is unset.
    privacy_presence: bool = True
    privacy_read_receipts: bool = True
    privacy_person_figures: bool = True
    privacy_min_group_size: int | None = Field(default=None, ge=1)
    health_min_group_size: int = Field(default=5, ge=1)
    privacy_audit_readers: Literal["staff", "coordinators", "superusers"] = "staff"
    # "Download my data": hours a download link works, and exports one person may ask for per day.
    privacy_export_link_hours: int = Field(default=72, ge=1)
    privacy_export_per_day: int = Field(default=2, ge=1)

    @field_validator(
        "allowed_hosts",
        "csrf_trusted_origins",
        "signup_email_domains",
        "common_time_zones",
        "database_replica_urls",
        "webhook_allowed_hosts",
        "webhook_allowed_networks",
        mode="before",
    )
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("signup_email_domains")
    @classmethod
    def _lower_domains(cls, value: list[str]) -> list[str]:
        return [domain.lower().lstrip("@") for domain in value]

    @property
    def effective_site_url(self) -> str:
        """``SITE_URL`` without a trailing slash, or the local address on ``PORT`` when unset."""
        return (self.site_url or f"http://127.0.0.1:{self.port}").rstrip("/")

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)


def load_env() -> Env:
    return Env()
