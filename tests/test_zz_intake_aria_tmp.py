import re
from tests.test_intake import *  # noqa
from tests.test_intake import _url, HTMX

def test_aria(world, precaution, trigger):
    c = world.client_for(world.bob)
    cl = precaution.client
    for url in [_url("precaution_add", cl), _url("precaution_edit", cl, precaution.code), _url("trigger_add", cl), _url("preferences_edit", cl), _url("touch_consent_edit", cl), _url("clearance_edit", cl)]:
        html = c.get(url, headers=HTMX).text
        ids = set(re.findall(r'id="([^"]+)"', html))
        for ref in re.findall(r'aria-describedby="([^"]+)"', html):
            for r in ref.split():
                if r not in ids: print("DANGLING", url[-30:], r)
