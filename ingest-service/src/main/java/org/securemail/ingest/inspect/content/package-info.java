/**
 * Content scanning (issue 14 item 8): the {@link org.securemail.ingest.inspect.content.ContentScanner} port and its
 * rspamd adapter, {@link org.securemail.ingest.inspect.content.RspamdScanner}, which speaks rspamd's HTTP protocol
 * ({@code POST /checkv2}). A library: the inspection stage that is to call it is planned, not built (see
 * {@code docs/inspection-content.md}).
 */
package org.securemail.ingest.inspect.content;
