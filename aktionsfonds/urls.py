from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from antraege.datenschutz import views as datenschutz
from antraege.fonds.views import start as public
from antraege.fonds.views import veroeffentlichung as oeffentlich
from antraege.web import fehler

from . import anmeldung, health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    path("", public.start, name="start"),
    path("barrierefreiheit/", public.barrierefreiheit, name="barrierefreiheit"),
    path("leichte-sprache/", public.leichte_sprache, name="leichte_sprache"),
    path("datenschutz/", datenschutz.datenschutzhinweise, name="datenschutz"),
    # nginx's error_page for a body over its limit (deploy/nginx/aktionsfonds.conf)
    path("fehler/zu-gross/", fehler.fehler_413_vom_proxy, name="fehler_413"),
    path("uebersicht/", public.home, name="home"),
    path("gefoerderte-projekte/", oeffentlich.gefoerderte_liste, name="gefoerderte"),
    path("gefoerderte-projekte.csv", oeffentlich.gefoerderte_csv, name="gefoerderte_csv"),
    path("gefoerderte-projekte.json", oeffentlich.gefoerderte_json, name="gefoerderte_json"),
    path(
        "anmelden/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path(
        "anmelden/zwei-faktor/",
        anmeldung.zwei_faktor_bestaetigen,
        name="zwei_faktor_bestaetigen",
    ),
    path(
        "anmelden/zwei-faktor/einrichten/",
        anmeldung.zwei_faktor_einrichten,
        name="zwei_faktor_einrichten",
    ),
    path("anmelden/zwei-faktor/codes/", anmeldung.zwei_faktor_codes, name="zwei_faktor_codes"),
    path("qm/anmeldesperren/", anmeldung.anmeldesperren, name="anmeldesperren"),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("qm/", include("antraege.antrag.urls_qm")),
    path("jury/", include("jury.urls")),
    path("admin/", admin.site.urls),
    path("", include("antraege.geld.urls")),
    path("", include("antraege.antrag.urls")),
]

handler400 = "antraege.web.fehler.fehler_400"
handler403 = "antraege.web.fehler.fehler_403"
handler404 = "antraege.web.fehler.fehler_404"
handler500 = "antraege.web.fehler.fehler_500"
