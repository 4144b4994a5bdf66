"""The product's URLs and, under /bench/floor/, the bare views the benchmark compares against."""

from django.urls import path

from aktionsfonds.urls import handler403, handler404, handler500  # noqa: F401
from aktionsfonds.urls import urlpatterns as product
from bench import floors

urlpatterns = [
    path("bench/floor/liste/", floors.liste),
    path("bench/floor/post/", floors.post),
    path("bench/floor/oeffentlich/", floors.oeffentlich),
    path("bench/floor/bericht/<int:pk>/", floors.bericht),
    path("bench/floor/oeffentlich-bar/", floors.oeffentlich_bar),
    path("bench/floor/bericht-bar/<int:pk>/", floors.bericht_bar),
    *product,
]
