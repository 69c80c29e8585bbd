"""Open Badges 3.0: a certificate as a W3C Verifiable Credential, signed as a JWT with the
issuer's key (the key that signs the PDFs), whose public half is published at
/.well-known/jwks.json."""

from datetime import UTC, datetime, time

from django.urls import reverse
from joserfc import jwt

from .models import Certificate
from .signing import issuer_private_key, issuer_public_jwk

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def _timestamp(day_iso: str, at: time) -> datetime:
    return datetime.combine(datetime.fromisoformat(day_iso).date(), at, tzinfo=UTC)


def certificate_badge(certificate: Certificate) -> dict:
    """The OpenBadgeCredential for a certificate, from what the certificate prints."""
    printed = certificate.snapshot
    site = printed["issuer"]["url"]
    achievement_url = f"{site}{reverse('program_detail', args=[certificate.program.slug])}"
    credential = {
        "@context": CONTEXTS,
        "id": printed["verify_url"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": site + "/",
            "type": ["Profile"],
            "name": printed["issuer"]["name"],
            "url": site + "/",
        },
        "name": printed["title"],
        "validFrom": certificate.issued_at.astimezone(UTC).isoformat(),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": printed["legal_name"],
            "achievement": {
                "id": achievement_url,
                "type": ["Achievement"],
                "name": printed["title"],
                "description": f"{printed['legal_name']} {printed['achievement']}.",
                "criteria": {"narrative": printed["achievement"]},
            },
        },
    }
    if printed.get("expires_on"):
        credential["validUntil"] = _timestamp(printed["expires_on"], time.max).isoformat()
    return credential


def certificate_badge_jwt(certificate: Certificate) -> str:
    """The badge as a compact JWS (VC-JOSE): the credential is the payload, with the JWT
    registered claims a verifier checks."""
    credential = certificate_badge(certificate)
    claims = {
        **credential,
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "sub": credential["id"],
        "nbf": int(certificate.issued_at.timestamp()),
    }
    if "validUntil" in credential:
        claims["exp"] = int(datetime.fromisoformat(credential["validUntil"]).timestamp())
    jwk = issuer_public_jwk()
    # The key id names the key published at /.well-known/jwks.json.
    header = {"alg": jwk["alg"], "kid": jwk["kid"], "typ": "JWT"}
    return jwt.encode(header, claims, issuer_private_key())
