"""`square.ban_user`: ban and unban accounts without the moderation queue (issue 15)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("square", "0006_user_is_official"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="user",
            options={
                "permissions": [("ban_user", "Can ban and unban accounts")],
                "verbose_name": "user",
                "verbose_name_plural": "users",
            },
        ),
    ]
