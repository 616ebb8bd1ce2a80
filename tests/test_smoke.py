def test_home_renders(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
