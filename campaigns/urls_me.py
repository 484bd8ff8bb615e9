"""A member's own campaign pages, under /me/ (included by the project URLconf)."""

from django.urls import path

from campaigns.views import rewards

urlpatterns = [
    path("rewards/", rewards.my_rewards, name="my_rewards"),
    path("rewards/<int:pk>/address/", rewards.address_save, name="my_reward_address"),
]
