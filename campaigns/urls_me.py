"""A member's own campaign pages, under /me/ (included by the project URLconf)."""

from django.urls import path

from campaigns import views_rewards

urlpatterns = [
    path("rewards/", views_rewards.my_rewards, name="my_rewards"),
    path("rewards/<int:pk>/address/", views_rewards.address_save, name="my_reward_address"),
]
