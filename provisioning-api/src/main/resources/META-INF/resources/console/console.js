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

const drawn = new Map(); // tableId -> the items last drawn, as JSON

/** Fills a table's body, one row per item; nothing is redrawn when the items are the same as last time. */
function rows(tableId, items, cells, attrs = () => ({})) {
  const body = $(tableId).tBodies[0];
  const key = JSON.stringify(items);
  if (drawn.get(tableId) === key) {
    return;
  }
  drawn.set(tableId, key);
  body.replaceChildren(...items.map((item) => {
    const row = el('tr', attrs(item));
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
  const [view] = await Promise.all([api.get('/api/v1/console/queues'), renderWaiting(), renderActions()]);
  const oldest = view.oldest;
  $('queues-oldest').textContent = oldest.receivedAt
    ? `Oldest message waiting: ${age(oldest.ageSeconds)} (received ${time(oldest.receivedAt)}); ${oldest.messages} ${oldest.messages === 1 ? 'message' : 'messages'} waiting.`
    : 'No message is waiting.';
  $('queues-error').textContent = view.lagError || '';
  rows('queues-lag', view.lag, (l) => [l.stage, l.topic, l.group, l.partitions, l.lag]);
  rows('queues-destinations', view.deferredByDestination, (d) => [d.destination, d.recipients, time(d.oldest),
    el('td', {}, opButton('Retry now', 'retry', { 'data-destination': d.destination }), ' ',
      el('button', { type: 'button', 'data-show-destination': d.destination }, 'Messages'))],
  (d) => ({ 'data-destination': d.destination }));
  rows('queues-reasons', view.deferredByReason, (r) => [r.reason, r.recipients]);
}

// ---- Queue operations (ADR 0084, ADR 0088): the API's /api/v1/queue through the console session -------------------

const WAITING_LIMIT = 200; // recipients listed (the API's largest page)
const ACTIONS_LIMIT = 20;
const DEAD_LETTERS_SHOWN = 60; // records shown in all; each partition is read a page (20) at a time
let waitingDomain = '';

function opButton(label, op, data) {
  return el('button', { type: 'button', class: op === 'delete' ? 'op danger' : 'op', 'data-op': op, ...data }, label);
}

/** What each operation says before it is confirmed, and where it is sent. */
const operations = {
  retry: (t) => ({
    title: `Retry ${t.destination} now`,
    text: `Every message waiting for ${t.destination} is attempted at once on every delivery replica, and a suspension of the destination ends with a probe. What still fails is deferred again.`,
    confirm: 'Retry now',
    path: `/api/v1/queue/destinations/${encodeURIComponent(t.destination)}/retry`,
  }),
  hold: (t) => ({
    title: `Hold message ${t.queueId}`,
    text: 'No attempt is made until the message is released. An attempt already under way finishes.',
    confirm: 'Hold',
    path: `/api/v1/queue/messages/${encodeURIComponent(t.queueId)}/hold`,
  }),
  release: (t) => ({
    title: `Release message ${t.queueId}`,
    text: 'The message is attempted at once.',
    confirm: 'Release',
    path: `/api/v1/queue/messages/${encodeURIComponent(t.queueId)}/release`,
  }),
  delete: (t) => ({
    title: `Delete message ${t.queueId}`,
    text: 'Its recipients still waiting bounce with 550 5.7.1, and the sender gets a delivery status notification where a bounce sends one. This cannot be undone.',
    confirm: 'Delete the message',
    danger: true,
    path: `/api/v1/queue/messages/${encodeURIComponent(t.queueId)}/delete`,
  }),
  replay: (t) => ({
    title: `Replay dead letter ${t.topic} ${t.partition}/${t.offset}`,
    text: `The record is written again onto ${t.source}, where it failed. A record is replayed once.`,
    confirm: 'Replay',
    after: loadDeadLetters,
    path: `/api/v1/queue/dead-letters/${encodeURIComponent(t.topic)}/partitions/${encodeURIComponent(t.partition)}/offsets/${encodeURIComponent(t.offset)}/replay`,
  }),
};

let pending = null; // the operation the dialog asks about

function openOperation(button) {
  const describe = operations[button.dataset.op];
  if (!describe) {
    return;
  }
  pending = describe(button.dataset);
  $('op-title').textContent = pending.title;
  $('op-text').textContent = pending.text;
  $('op-confirm').textContent = pending.confirm;
  $('op-confirm').classList.toggle('danger', Boolean(pending.danger));
  $('op-reason').value = '';
  $('op-error').textContent = '';
  $('op-dialog').showModal();
  $('op-reason').focus();
}

async function confirmOperation(event) {
  event.preventDefault();
  if (!pending) {
    return;
  }
  const operation = pending;
  const reason = $('op-reason').value.trim();
  if (reason.length === 0) {
    $('op-error').textContent = 'Give a reason: the audit trail keeps it.';
    return;
  }
  $('op-confirm').disabled = true;
  try {
    const action = await api.send('POST', operation.path, { reason });
    $('op-dialog').close();
    $('ops-notice').textContent = `${action.action} ${action.target}: recorded at ${time(action.at)} by ${action.operator}`
      + `${action.detail ? ` (${action.detail})` : ''}.`;
    if (operation.after) {
      operation.after();
    }
    refresh();
  } catch (error) {
    $('op-error').textContent = error.message;
    if (error.status === 401) {
      $('op-dialog').close();
      signedOut();
    }
  } finally {
    $('op-confirm').disabled = false;
  }
}

/** The recipients waiting, one row per message: a message is held, released and deleted as a whole. */
function byMessage(recipients) {
  const messages = new Map();
  for (const r of recipients) {
    let m = messages.get(r.queueId);
    if (!m) {
      m = { queueId: r.queueId, sender: r.sender, recipients: [], attempts: 0, reason: null, lastAttemptAt: null,
        nextAttemptAt: null, held: false };
      messages.set(r.queueId, m);
    }
    m.recipients.push(r.recipient);
    m.attempts = Math.max(m.attempts, r.attempts);
    m.held = m.held || r.held;
    if (r.lastAttemptAt && (!m.lastAttemptAt || r.lastAttemptAt > m.lastAttemptAt)) {
      m.lastAttemptAt = r.lastAttemptAt;
      m.reason = r.reason;
    }
    if (r.nextAttemptAt && (!m.nextAttemptAt || r.nextAttemptAt < m.nextAttemptAt)) {
      m.nextAttemptAt = r.nextAttemptAt;
    }
  }
  return [...messages.values()];
}

async function renderWaiting() {
  const filter = waitingDomain ? `&domain=${encodeURIComponent(waitingDomain)}` : '';
  try {
    const page = await api.get(`/api/v1/queue?limit=${WAITING_LIMIT}${filter}`);
    $('waiting-error').textContent = page.nextCursor
      ? `More than ${WAITING_LIMIT} recipients wait: the first ${WAITING_LIMIT} by queue id are shown; choose a destination.` : '';
    rows('queue-waiting', byMessage(page.items), (m) => [el('td', {}, queueLink(m.queueId)), m.sender,
      m.recipients.join(', '), m.attempts, m.reason, time(m.nextAttemptAt),
      el('td', { class: m.held ? 'held' : '' }, m.held ? 'held' : 'deferred'),
      el('td', {}, m.held ? opButton('Release', 'release', { 'data-queue-id': m.queueId })
        : opButton('Hold', 'hold', { 'data-queue-id': m.queueId }), ' ',
      opButton('Delete', 'delete', { 'data-queue-id': m.queueId }))],
    (m) => ({ 'data-queue-id': m.queueId, 'data-state': m.held ? 'held' : 'deferred' }));
  } catch (error) {
    if (error.status === 401) {
      throw error;
    }
    $('waiting-error').textContent = error.message;
    rows('queue-waiting', [], () => []);
  }
}

async function renderActions() {
  try {
    const page = await api.get(`/api/v1/queue/actions?limit=${ACTIONS_LIMIT}`);
    $('actions-error').textContent = '';
    rows('operator-actions', page.items, (a) => [time(a.at), a.operator, a.action, a.target, a.reason, a.detail],
      (a) => ({ 'data-action': a.action, 'data-target': a.target }));
  } catch (error) {
    if (error.status === 401) {
      throw error;
    }
    $('actions-error').textContent = error.message;
  }
}

/**
 * Dead letters are read on request, not polled: each read is a short-lived consumer in the API, at most two at once
 * per API replica (ADR 0084). Partitions are read one after the other, the oldest page of each.
 */
async function loadDeadLetters() {
  $('dead-letters-error').textContent = '';
  $('dead-letters-note').textContent = 'reading…';
  try {
    const topics = (await api.get('/api/v1/queue/dead-letters')).items.filter((t) => t.records > 0);
    const records = [];
    for (const topic of topics) {
      for (const p of topic.partitions.filter((range) => range.endOffset > range.startOffset)) {
        if (records.length >= DEAD_LETTERS_SHOWN) {
          break;
        }
        const page = await api.get(`/api/v1/queue/dead-letters/${encodeURIComponent(topic.topic)}/partitions/${p.partition}?limit=20`);
        records.push(...page.items.map((r) => ({ ...r, goesBackTo: topic.sourceTopic })));
      }
    }
    const total = topics.reduce((sum, t) => sum + t.records, 0);
    $('dead-letters-note').textContent = total === 0 ? `No dead letters (as of ${new Date().toLocaleTimeString()}).`
      : `${total} ${total === 1 ? 'record' : 'records'} in ${topics.length} ${topics.length === 1 ? 'topic' : 'topics'};`
        + ` ${records.length} shown, the oldest of each partition (as of ${new Date().toLocaleTimeString()}).`;
    rows('dead-letters', records, (r) => [r.topic, `${r.partition} / ${r.offset}`, time(r.timestamp), r.key,
      [r.reason, r.cause].filter(Boolean).join(' — '), r.goesBackTo,
      el('td', {}, r.replayed ? 'replayed' : opButton('Replay', 'replay', {
        'data-topic': r.topic, 'data-partition': r.partition, 'data-offset': r.offset, 'data-source': r.goesBackTo }))],
    (r) => ({ 'data-dead-letter': `${r.topic}/${r.partition}/${r.offset}`, 'data-key': r.key }));
    $('dead-letters').hidden = false;
  } catch (error) {
    $('dead-letters-note').textContent = '';
    $('dead-letters-error').textContent = error.message;
    if (error.status === 401) {
      signedOut();
    }
  }
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

function showWaiting() {
  waitingDomain = $('waiting-domain').value.trim();
  refresh();
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
  drawn.clear();
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
  // queue operations: the tables are redrawn by the poll, so their buttons are handled here, once
  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button[data-op], button[data-show-destination]') : null;
    if (!button) {
      return;
    }
    if (button.dataset.op) {
      openOperation(button);
    } else {
      $('waiting-domain').value = button.dataset.showDestination;
      showWaiting();
    }
  });
  $('waiting-form').addEventListener('submit', (event) => {
    event.preventDefault();
    showWaiting();
  });
  $('dead-letters-load').addEventListener('click', loadDeadLetters);
  $('op-form').addEventListener('submit', confirmOperation);
  $('op-cancel').addEventListener('click', () => $('op-dialog').close());
  $('op-dialog').addEventListener('close', () => {
    pending = null;
  });
  api.get('/console/session').then(signedIn, signedOut);
}

start();
