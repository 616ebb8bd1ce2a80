"""Claims of the test identity provider (django-oauth-toolkit) used by the single sign-on tests.

The provider plays the company directory: accounts kept under the directory's own domain
(``idp.example``) publish their address under the company domain (``corp.example``), so an IdP
account can stand for an employee the intranet has never seen.
"""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

DIRECTORY_DOMAIN = "@idp.example"
COMPANY_DOMAIN = "@corp.example"


def published_email(directory_email: str) -> str:
    if directory_email.endswith(DIRECTORY_DOMAIN):
        return directory_email[: -len(DIRECTORY_DOMAIN)] + COMPANY_DOMAIN
    return directory_email


class CompanyDirectoryValidator(OAuth2Validator):
    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        return {
            "email": published_email(user.email),
            "email_verified": True,
            "name": user.display_name,
        }
