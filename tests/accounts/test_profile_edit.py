"""Editing one's profile: success, clear errors that save nothing, avatar processing, permissions."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from intranet.accounts import images
from intranet.accounts.models import Profile, Skill, User
from intranet.accounts.services import profile_update
from intranet.accounts.text import search_name_for
from intranet.core.models import AuditEntry
from tests.factories import UserFactory

# factory_boy's types say a factory returns itself; it returns the model.
make_user = cast("Callable[..., User]", UserFactory)

pytestmark = pytest.mark.django_db

EDIT_URL = reverse("accounts:profile_edit")


def _image_bytes(fmt="PNG", size=(600, 400), color="teal", mode="RGB", **save_kwargs) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format=fmt, **save_kwargs)
    return buffer.getvalue()


def _upload(data: bytes, name="me.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _form(**overrides):
    data = {
        "display_name": "Anna Müller",
        "job_title": "Software Engineer",
        "department": "IT",
        "location": "Stuttgart",
        "languages": "German, English",
        "skills": "Python, Django, community management",
        "bio": "I build internal tools.\nAsk me about testing & Python <3",
    }
    data.update(overrides)
    return data


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def anna(db):
    return make_user(display_name="Anna Schmidt", email="anna@example.com")


@pytest.fixture
def anna_client(client, anna):
    client.force_login(anna)
    return client


def test_edit_page_shows_labelled_form_with_current_values(anna_client, anna):
    Profile.objects.filter(user=anna).update(job_title="Engineer", languages=["German"])
    html = anna_client.get(EDIT_URL).content.decode()
    for name in ("display_name", "job_title", "department", "location", "languages", "skills", "bio", "avatar"):
        assert f'<label for="id_{name}"' in html, name
    assert 'value="Engineer"' in html and 'value="German"' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'accept="image/jpeg,image/png,image/webp,image/gif"' in html


def test_edit_requires_login(client, db):
    response = client.get(EDIT_URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_edit_saves_profile_and_redirects_to_it(anna_client, anna):
    avatar = _upload(_image_bytes("JPEG", size=(1200, 800), exif=_exif_with_gps()), "holiday.jpg", "image/jpeg")
    response = anna_client.post(EDIT_URL, _form(avatar=avatar), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:profile_detail", kwargs={"handle": anna.handle})
    assert "The profile has been saved." in response.content.decode()

    anna.refresh_from_db()
    profile = Profile.objects.get(user=anna)
    assert anna.display_name == "Anna Müller"
    assert anna.search_name == search_name_for("Anna Müller") == "anna muller anna mueller"
    assert (profile.job_title, profile.department, profile.location) == ("Software Engineer", "IT", "Stuttgart")
    assert profile.languages == ["German", "English"]
    assert sorted(profile.skills.names()) == ["Django", "Python", "community management"]
    assert profile.bio == "I build internal tools.\nAsk me about testing & Python <3"

    assert profile.avatar.name.endswith(".webp")
    with Image.open(profile.avatar.path) as stored:
        assert stored.format == "WEBP"
        assert stored.size == (256, 256)
        assert not stored.getexif()
        assert "icc_profile" not in stored.info and "xmp" not in stored.info
    assert Path(profile.avatar.path).stat().st_size <= images.MAX_OUTPUT_BYTES


def _exif_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x8825] = {1: "N", 2: (48.0, 46.0, 0.0)}  # GPS position
    return exif.tobytes()


@pytest.mark.parametrize(
    ("fmt", "mode", "content_type"),
    [("PNG", "RGBA", "image/png"), ("GIF", "P", "image/gif"), ("WEBP", "RGB", "image/webp")],
)
def test_every_allowed_format_becomes_a_square_webp(anna, fmt, mode, content_type):
    processed = images.avatar_from_upload(io.BytesIO(_image_bytes(fmt, size=(300, 900), mode=mode)))
    with Image.open(io.BytesIO(processed.content)) as image:
        assert (image.format, image.size) == ("WEBP", (256, 256))


def _assert_nothing_saved(anna, response, message):
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in html
    assert message in html
    assert "is-invalid" in html
    anna.refresh_from_db()
    profile = Profile.objects.get(user=anna)
    assert anna.display_name == "Anna Schmidt"
    assert anna.search_name == search_name_for("Anna Schmidt")
    assert (profile.job_title, profile.department, profile.location, profile.bio) == ("", "", "", "")
    assert profile.languages == [] and list(profile.skills.names()) == []
    assert not profile.avatar
    assert _media_files() == []
    assert Skill.objects.count() == 0


def test_oversized_image_is_rejected_and_nothing_saved(anna_client, anna):
    noise = Image.frombytes("RGB", (1500, 1500), os.urandom(1500 * 1500 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG")
    assert len(buffer.getvalue()) > 5 * 1024 * 1024
    response = anna_client.post(EDIT_URL, _form(avatar=_upload(buffer.getvalue(), "big.png")))
    _assert_nothing_saved(anna, response, "The file is larger than 5 MB.")


def test_too_many_megapixels_is_rejected_before_decoding(anna_client, anna):
    data = _image_bytes("PNG", size=(8000, 5001), mode="1", color=0)
    assert len(data) < 1024 * 1024
    response = anna_client.post(EDIT_URL, _form(avatar=_upload(data, "bomb.png")))
    _assert_nothing_saved(anna, response, "The picture has more than 40 megapixels.")


def test_non_image_renamed_png_is_rejected_and_nothing_saved(anna_client, anna):
    fake = _upload(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "cv.png")
    response = anna_client.post(EDIT_URL, _form(avatar=fake))
    _assert_nothing_saved(anna, response, "This file is not a picture we can read.")


def test_unsupported_image_format_is_rejected(anna_client, anna):
    response = anna_client.post(EDIT_URL, _form(avatar=_upload(_image_bytes("BMP"), "old.png")))
    _assert_nothing_saved(anna, response, "This image format is not supported.")


def test_truncated_image_is_rejected(anna_client, anna):
    data = _image_bytes("JPEG", size=(800, 800), color="red")
    response = anna_client.post(EDIT_URL, _form(avatar=_upload(data[: len(data) // 3], "cut.jpg", "image/jpeg")))
    _assert_nothing_saved(anna, response, "This file is not a picture we can read.")


@pytest.mark.parametrize(
    "bio",
    ["<script>alert(1)</script>", "Hello <b>world</b>", "Hi <img src=x onerror=alert(1)>", "x </p>", "< script>"],
)
def test_markup_in_bio_is_rejected_and_nothing_saved(anna_client, anna, bio):
    response = anna_client.post(EDIT_URL, _form(bio=bio))
    _assert_nothing_saved(
        anna, response, "Please use plain text: HTML tags such as &lt;script&gt; are not allowed here."
    )
    assert "<script>alert" not in response.content.decode()


def test_markup_in_other_fields_is_rejected(anna_client, anna):
    response = anna_client.post(EDIT_URL, _form(job_title="<i>Boss</i>", skills="<svg onload=x>"))
    _assert_nothing_saved(anna, response, "HTML tags such as &lt;script&gt; are not allowed")


def test_empty_name_is_a_clear_error(anna_client, anna):
    response = anna_client.post(EDIT_URL, _form(display_name="   "))
    _assert_nothing_saved(anna, response, "This field is required.")


def test_replacing_and_removing_the_avatar_cleans_up_files(anna, django_capture_on_commit_callbacks):
    first = images.avatar_from_upload(io.BytesIO(_image_bytes("PNG", color="red")))
    second = images.avatar_from_upload(io.BytesIO(_image_bytes("PNG", color="blue")))
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(actor=anna, user=anna, avatar=first)
    old_path = Path(Profile.objects.get(user=anna).avatar.path)
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(actor=anna, user=anna, avatar=second)
    profile = Profile.objects.get(user=anna)
    assert not old_path.exists() and Path(profile.avatar.path).exists()
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(actor=anna, user=anna, remove_avatar=True)
    assert not Profile.objects.get(user=anna).avatar
    assert _media_files() == []


def test_skills_join_existing_ones_case_insensitively(anna, other_user):
    profile_update(actor=other_user, user=other_user, skills=["Python"])
    profile_update(actor=anna, user=anna, skills=["python", "PYTHON", " Django "])
    assert sorted(Profile.objects.get(user=anna).skills.names()) == ["Django", "Python"]
    assert Skill.objects.filter(name__iexact="python").count() == 1


def test_service_validates_before_writing(anna):
    with pytest.raises(ValidationError) as exc:
        profile_update(actor=anna, user=anna, display_name="New Name", bio="<script>x</script>")
    assert "bio" in exc.value.message_dict
    anna.refresh_from_db()
    assert anna.display_name == "Anna Schmidt"


def test_service_only_takes_processed_avatars(anna):
    with pytest.raises(TypeError):
        profile_update(actor=anna, user=anna, avatar=_upload(b"raw"))  # type: ignore[arg-type]


def test_cannot_edit_someone_elses_profile(anna_client, anna, other_user):
    url = reverse("accounts:profile_edit_for", kwargs={"handle": other_user.handle})
    assert anna_client.get(url).status_code == 403
    response = anna_client.post(url, _form(display_name="Hacked"))
    assert response.status_code == 403
    other_user.refresh_from_db()
    assert other_user.display_name != "Hacked"
    with pytest.raises(PermissionDenied):
        profile_update(actor=anna, user=other_user, display_name="Hacked")


def test_own_profile_via_handle_url(anna_client, anna):
    url = reverse("accounts:profile_edit_for", kwargs={"handle": anna.handle})
    assert anna_client.post(url, _form()).status_code == 302


def test_staff_edit_of_another_profile_is_audited(client, staff_user, anna):
    client.force_login(staff_user)
    url = reverse("accounts:profile_edit_for", kwargs={"handle": anna.handle})
    response = client.post(url, _form(display_name="Anna Schmidt-Müller", bio=""))
    assert response.status_code == 302
    anna.refresh_from_db()
    assert anna.display_name == "Anna Schmidt-Müller"
    entry = AuditEntry.objects.get(action="accounts.profile.update")
    assert entry.actor_id == staff_user.pk and entry.target_id == str(anna.pk)
    assert entry.before is not None and entry.before["display_name"] == "Anna Schmidt"
    assert entry.after is not None and entry.after["display_name"] == "Anna Schmidt-Müller"


def test_own_edits_are_not_audited(anna):
    profile_update(actor=anna, user=anna, job_title="Engineer")
    assert not AuditEntry.objects.exists()


def test_user_without_profile_gets_one_on_edit(client, db):
    user = User.objects.create_user("noprofile@example.com", "pw-123456789")
    client.force_login(user)
    assert client.get(EDIT_URL).status_code == 200
    assert Profile.objects.filter(user=user).exists()
