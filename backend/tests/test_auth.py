"""Register, login, me: success and every way a token or a body can be wrong."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fastapi.testclient import TestClient

from app.core.security import create_access_token
from tests.conftest import TEST_SECRET
from tests.factories import PASSWORD, AuthedUser, random_email, register_and_login


def test_register_returns_201_and_public_user(client: TestClient) -> None:
    email = random_email()
    response = client.post("/api/auth/register", json={"email": email, "password": PASSWORD, "name": "Ada"})
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == email and body["name"] == "Ada" and isinstance(body["id"], int)
    assert "password" not in response.text and "hashed" not in response.text


def test_duplicate_email_is_409_case_insensitively(client: TestClient) -> None:
    email = random_email()
    assert client.post("/api/auth/register", json={"email": email, "password": PASSWORD}).status_code == 201
    again = client.post("/api/auth/register", json={"email": email.upper(), "password": PASSWORD})
    assert again.status_code == 409
    assert "already exists" in again.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "password": PASSWORD}, "email"),
        ({"email": "a@example.com", "password": "Qz7#"}, "password"),
        ({"email": "a@example.com", "password": "x" * 129}, "password"),
        ({"password": PASSWORD}, "email"),
        ({"email": "a@example.com", "password": PASSWORD, "name": "n" * 101}, "name"),
    ],
)
def test_register_invalid_body_is_422_with_field_errors(client: TestClient, body: dict[str, str], field: str) -> None:
    response = client.post("/api/auth/register", json=body)
    assert response.status_code == 422
    errors = response.json()["detail"]
    assert any(error["loc"][-1] == field for error in errors)
    assert body.get("password", "\0") not in response.text  # the password is never echoed


def test_malformed_json_is_422(client: TestClient) -> None:
    response = client.post("/api/auth/register", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422


def test_login_returns_token_and_user(client: TestClient) -> None:
    email = random_email()
    client.post("/api/auth/register", json={"email": email, "password": PASSWORD})
    response = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 24 * 60 * 60
    assert body["user"]["email"] == email
    claims = jwt.decode(body["access_token"], TEST_SECRET, algorithms=["HS256"])
    assert int(claims["sub"]) == body["user"]["id"]


@pytest.mark.parametrize("wrong", ["password", "email"])
def test_login_with_bad_credentials_is_401(client: TestClient, user: AuthedUser, wrong: str) -> None:
    body = {"email": user.email, "password": PASSWORD}
    body[wrong] = "wrong-password" if wrong == "password" else random_email()
    response = client.post("/api/auth/login", json=body)
    assert response.status_code == 401
    assert response.json()["detail"] == "Incorrect email or password"


def test_me_returns_the_caller(client: TestClient, user: AuthedUser) -> None:
    response = client.get("/api/auth/me", headers=user.headers)
    assert response.status_code == 200
    assert response.json()["email"] == user.email


def _forged(claims: dict[str, object], key: str = TEST_SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=algorithm)


def _alg_none_token(user_id: int) -> str:
    header = jwt.utils.base64url_encode(b'{"alg":"none","typ":"JWT"}').decode()
    exp = int((datetime.now(UTC) + timedelta(hours=1)).timestamp())
    payload = jwt.utils.base64url_encode(f'{{"sub":"{user_id}","exp":{exp}}}'.encode()).decode()
    return f"{header}.{payload}."


@pytest.mark.parametrize(
    "case", ["missing", "expired", "tampered", "alg_none", "wrong_secret", "garbage", "no_exp", "wrong_scheme"]
)
def test_me_rejects_bad_tokens_with_401(client: TestClient, user: AuthedUser, case: str) -> None:
    soon = datetime.now(UTC) + timedelta(hours=1)
    headers = {
        "missing": {},
        "expired": {
            "Authorization": "Bearer " + _forged({"sub": str(user.id), "exp": datetime.now(UTC) - timedelta(seconds=5)})
        },
        "tampered": {
            "Authorization": "Bearer " + user.token[:-4] + ("AAAA" if not user.token.endswith("AAAA") else "BBBB")
        },
        "alg_none": {"Authorization": "Bearer " + _alg_none_token(user.id)},
        "wrong_secret": {
            "Authorization": "Bearer "
            + _forged({"sub": str(user.id), "exp": soon}, key="another-secret-key-0123456789abcdef")
        },
        "garbage": {"Authorization": "Bearer not.a.token"},
        "no_exp": {"Authorization": "Bearer " + _forged({"sub": str(user.id)})},
        "wrong_scheme": {"Authorization": "Basic " + user.token},
    }[case]
    response = client.get("/api/auth/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["detail"]


def test_token_of_unknown_user_is_401(client: TestClient) -> None:
    token = create_access_token(subject=2_000_000_000, secret_key=TEST_SECRET, expires_minutes=5)
    response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_registration_logs_no_password(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    secret_password = "very-secret-password-123"
    with caplog.at_level("DEBUG"), caplog.at_level("DEBUG", logger="app"):
        client.post("/api/auth/register", json={"email": random_email(), "password": secret_password})
        register_and_login(client)
    assert secret_password not in caplog.text
    assert any("POST /api/auth/register 201" in r.getMessage() for r in caplog.records)
