"""(Being written.)"""

urlpatterns: list = []
