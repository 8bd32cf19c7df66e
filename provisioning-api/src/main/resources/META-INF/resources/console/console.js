// The Securemail operator console (docs/console.md, ADR 0087). Plain ES module, no build step.
// Every value from the server is put on the page as text (textContent), never as markup.

const SEARCH_MAX_CHARS = 2000; // longer input is refused here; the API bounds each field more tightly
const DEFAULT_REFRESH_MS = 2000;

const session = { csrf: null, refreshMs: DEFAULT_REFRESH_MS };
let current = 'dns';
let timer = null;

/** An element with attributes and children (strings become text nodes). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) {
      node.setAttribute(name, String(value));
    }
  }
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(child === null || child === undefined ? '' : String(child)));
  }
  return node;
}

function $(id) {
  return document.getElementById(id);
}

/** The API as the console calls it: same origin, the session cookie, the CSRF token on changes. */
const api = {
  async get(path) {
    return api.send('GET', path);
  },
  async send(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (method !== 'GET' && method !== 'HEAD' && session.csrf) {
      headers['X-CSRF-Token'] = session.csrf;
    }
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    const response = await fetch(path, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const type = response.headers.get('Content-Type') || '';
    const data = type.includes('json') ? await response.json().catch(() => null) : null;
    if (!response.ok) {
      const error = new Error((data && (data.detail || data.title)) || `the server answered ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return data;
  },
};

function rows(tableId, items, cells) {
  const body = $(tableId).tBodies[0];
  body.replaceChildren(...items.map((item) => {
    const row = el('tr');
    for (const cell of cells(item)) {
      row.append(cell instanceof Node && cell.nodeName === 'TD' ? cell : el('td', {}, cell));
    }
    return row;
  }));
  if (items.length === 0) {
    const columns = $(tableId).tHead.rows[0].cells.length;
    body.append(el('tr', { class: 'empty' }, el('td', { colspan: columns }, 'none')));
  }
}

function time(at) {
  return at ? new Date(at).toLocaleString() : '';
}

function age(seconds) {
  if (seconds === null || seconds === undefined) {
    return '';
  }
  if (seconds < 120) {
    return `${seconds} s`;
  }
  if (seconds < 7200) {
    return `${Math.round(seconds / 60)} min`;
  }
  return `${(seconds / 3600).toFixed(1)} h`;
}

function queueLink(queueId) {
  const link = el('a', { href: '#search', 'data-queue-id': queueId }, queueId);
  link.addEventListener('click', (event) => {
    event.preventDefault();
    $('search-kind').value = 'queueId';
    $('search-input').value = queueId;
    show('search');
    search();
  });
  return link;
}

// ---- DNS health ----------------------------------------------------------------------------------------------------

async function renderDns() {
  const view = await api.get('/api/v1/console/dns');
  $('dns-note').textContent = view.configured ? `as of ${time(view.at)}`
    : 'No DNS service configured (provisioning.console.dns-urls).';
  $('dns-services').replaceChildren(...view.services.map(dnsService));
}

function dnsService(service) {
  const box = el('div', { class: 'dns-service', 'data-url': service.url }, el('h3', {}, service.url));
  if (!service.reachable) {
    box.append(el('p', { class: 'error' }, `unreachable: ${service.error}`));
    return box;
  }
  const upstreams = el('table', { class: 'dns-upstreams' },
    el('thead', {}, el('tr', {}, ...['upstream', 'state', 'latency (srtt)', 'in flight', 'learned limit', 'cap',
      'slow budget', 'timeouts in a row', 'answers', 'timeouts'].map((h) => el('th', {}, h)))),
    el('tbody', {}, ...service.upstreams.map((u) => el('tr', { 'data-upstream': u.upstream },
      el('td', {}, u.upstream),
      el('td', { class: `state state-${String(u.state).toLowerCase()}` }, u.state),
      el('td', {}, u.srttMillis < 0 ? 'not measured' : `${u.srttMillis} ms`), el('td', {}, u.inFlight), el('td', {}, u.limit), el('td', {}, u.cap),
      el('td', {}, u.slowBudget), el('td', {}, u.consecutiveTimeouts), el('td', {}, u.answers), el('td', {}, u.timeouts)))));
  const z = service.zones;
  const c = service.counters;
  const shed = Object.entries(c.shedByCap || {});
  const summary = el('dl', { class: 'dns-summary' },
    el('dt', {}, 'resolutions in flight'), el('dd', {}, `${z.inFlight} of ${z.cap}`),
    el('dt', {}, 'slow budget used'), el('dd', {}, z.slowBudgetUsed),
    el('dt', {}, 'waiting for room'), el('dd', {}, z.waiting),
    el('dt', {}, 'stale answers served'), el('dd', { class: 'stale-served' }, c.staleServed),
    el('dt', {}, 'queries shed, by cap'), el('dd', { class: 'shed' },
      shed.length === 0 ? 'none' : shed.map(([cap, n]) => `${cap}: ${n}`).join(', ')));
  const failing = el('table', { class: 'dns-failing' },
    el('thead', {}, el('tr', {}, ...['name', 'type', 'failing since', 'failures', 'retry in', 'why', 'stale answer']
      .map((h) => el('th', {}, h)))),
    el('tbody', {}, ...(z.cachedFailures.length === 0 ? [el('tr', { class: 'empty' }, el('td', { colspan: 7 }, 'none'))]
      : z.cachedFailures.map((f) => el('tr', { 'data-name': f.name },
        el('td', {}, f.name), el('td', {}, f.type), el('td', {}, time(f.failingSince)), el('td', {}, f.failures),
        el('td', {}, age(Math.round(f.retryInMillis / 1000))), el('td', {}, f.detail),
        el('td', {}, f.staleAvailable ? 'served' : 'none'))))));
  const busiest = el('p', { class: 'muted' }, 'busiest zones: ',
    z.busiest.length === 0 ? 'none' : z.busiest.map((b) => `${b.zone} (${b.inFlight})`).join(', '));
  box.append(el('h4', {}, 'Upstreams'), upstreams, summary, el('h4', {}, 'Failing now'), failing, busiest);
  return box;
}

// ---- Queues --------------------------------------------------------------------------------------------------------

async function renderQueues() {
  const view = await api.get('/api/v1/console/queues');
  const oldest = view.oldest;
  $('queues-oldest').textContent = oldest.receivedAt
    ? `Oldest message waiting: ${age(oldest.ageSeconds)} (received ${time(oldest.receivedAt)}); ${oldest.messages} ${oldest.messages === 1 ? 'message' : 'messages'} waiting.`
    : 'No message is waiting.';
  $('queues-error').textContent = view.lagError || '';
  rows('queues-lag', view.lag, (l) => [l.stage, l.topic, l.group, l.partitions, l.lag]);
  rows('queues-destinations', view.deferredByDestination, (d) => [d.destination, d.recipients, time(d.oldest)]);
  rows('queues-reasons', view.deferredByReason, (r) => [r.reason, r.recipients]);
}

// ---- Deliveries, search, quarantine --------------------------------------------------------------------------------

function messageCells(m) {
  return [time(m.receivedAt), el('td', {}, queueLink(m.queueId)), m.sender,
    m.recipients.map((r) => `${r.recipient} (${r.status})`).join(', ')];
}

async function renderDeliveries() {
  const [delivered, bounced, deferred] = await Promise.all(['DELIVERED', 'BOUNCED', 'DEFERRED']
    .map((status) => api.get(`/api/v1/messages?status=${status}&limit=20`)));
  rows('recent-delivered', delivered.items, messageCells);
  rows('recent-bounced', bounced.items, messageCells);
  rows('recent-deferred', deferred.items, messageCells);
}

async function renderQuarantine() {
  const page = await api.get('/api/v1/quarantine?state=HELD&limit=50');
  rows('quarantine-held', page.items, (q) => [time(q.heldAt), q.queueId, q.sender, q.recipients.join(', '),
    q.reasons.join('; '), q.state]);
}

async function search() {
  const kind = $('search-kind').value;
  const text = $('search-input').value.trim();
  $('search-error').textContent = '';
  if (text.length === 0) {
    return;
  }
  if (text.length > SEARCH_MAX_CHARS) {
    $('search-error').textContent = `The search text is too long (${text.length} characters, at most ${SEARCH_MAX_CHARS}).`;
    return;
  }
  try {
    if (kind === 'queueId') {
      $('search-results').hidden = true;
      renderTimeline(await api.get(`/api/v1/messages/${encodeURIComponent(text)}`));
    } else {
      $('timeline').hidden = true;
      const page = await api.get(`/api/v1/messages?${kind}=${encodeURIComponent(text)}&limit=50`);
      rows('search-results', page.items, messageCells);
      $('search-results').hidden = false;
    }
  } catch (error) {
    $('timeline').hidden = true;
    $('search-results').hidden = true;
    $('search-error').textContent = error.message;
    if (error.status === 401) {
      signedOut();
    }
  }
}

function renderTimeline(message) {
  $('timeline-id').textContent = message.queueId;
  $('timeline-envelope').replaceChildren(
    el('dt', {}, 'sender'), el('dd', {}, message.sender),
    el('dt', {}, 'direction'), el('dd', {}, message.direction),
    el('dt', {}, 'client'), el('dd', {}, message.clientIp),
    el('dt', {}, 'size'), el('dd', {}, `${message.size} bytes`),
    el('dt', {}, 'recipients'), el('dd', {}, message.recipients.map((r) => `${r.recipient} (${r.status})`).join(', ')));
  $('timeline-events').replaceChildren(...message.timeline.map((e) => el('li', { 'data-event': e.event },
    el('time', {}, time(e.at)), ' ', el('strong', {}, e.event),
    e.recipient ? ` ${e.recipient}` : '', e.attempt ? ` attempt ${e.attempt}` : '',
    e.remoteHost ? ` via ${e.remoteHost}` : '', e.reply ? ` \u2014 ${e.reply}` : '',
    e.checks ? ` \u2014 ${e.checks.map((c) => `${c.check}=${c.result}`).join(' ')}` : '')));
  $('timeline').hidden = false;
}

// ---- Navigation, polling, sign-in ----------------------------------------------------------------------------------

const renderers = { dns: renderDns, queues: renderQueues, deliveries: renderDeliveries, quarantine: renderQuarantine };

function show(view) {
  current = view in renderers || view === 'search' ? view : 'dns';
  for (const section of document.querySelectorAll('.view')) {
    section.hidden = section.id !== `view-${current}`;
  }
  for (const link of document.querySelectorAll('nav a')) {
    link.classList.toggle('active', link.dataset.view === current);
  }
  refresh();
}

/** Polls the view on screen (ADR 0087: a poll every refreshMs, not a stream). */
async function refresh() {
  clearTimeout(timer);
  const render = renderers[current];
  if (!render || !session.csrf) {
    return;
  }
  try {
    await render();
    $('status').textContent = `updated ${new Date().toLocaleTimeString()}`;
    $('status').classList.remove('error');
  } catch (error) {
    if (error.status === 401) {
      signedOut();
      return;
    }
    $('status').textContent = `update failed: ${error.message}`;
    $('status').classList.add('error');
  }
  timer = setTimeout(refresh, session.refreshMs);
}

function signedIn(info) {
  session.csrf = info.csrfToken;
  session.refreshMs = Math.max(500, info.refreshMillis || DEFAULT_REFRESH_MS);
  $('login').hidden = true;
  $('views').hidden = false;
  $('sign-out').hidden = false;
  show((location.hash || '#dns').substring(1));
}

function signedOut() {
  session.csrf = null;
  clearTimeout(timer);
  $('views').hidden = true;
  $('sign-out').hidden = true;
  $('login').hidden = false;
  $('status').textContent = '';
}

async function signIn(event) {
  event.preventDefault();
  $('login-error').textContent = '';
  const key = $('login-key').value;
  $('login-key').value = '';
  try {
    signedIn(await api.send('POST', '/console/session', { key }));
  } catch (error) {
    $('login-error').textContent = error.message;
  }
}

async function signOut() {
  try {
    await api.send('DELETE', '/console/session');
  } finally {
    signedOut();
  }
}

function start() {
  $('login-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', signOut);
  $('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    search();
  });
  for (const link of document.querySelectorAll('nav a')) {
    link.addEventListener('click', () => show(link.dataset.view));
  }
  api.get('/console/session').then(signedIn, signedOut);
}

start();
