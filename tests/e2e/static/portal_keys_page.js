/* The test page's only script (tests/e2e/test_portal_keys_browser.py): loads the portal's key
 * library the way a portal page will, through the import map, and hands it to the test. */
import * as keys from '/portal/static/js/index.js';

window.portalKeys = keys;
document.body.dataset.ready = 'yes';
