/**
 * SPF (RFC 7208) for the inspection stage: {@link org.securemail.ingest.inspect.spf.SpfChecker} authorises the
 * MAIL FROM or HELO identity through the DNS service, within the RFC's limits and a deadline, and returns an
 * {@link org.securemail.ingest.inspect.spf.SpfOutcome} with the steps that led to it. The parts: the record grammar
 * ({@code SpfRecordParser}), macros ({@code MacroString}, {@code MacroExpander}), check_host() with include, redirect
 * and exp ({@code HostEvaluator}), the other mechanisms ({@code MechanismEvaluator}) and the per-check state with
 * the limits ({@code Evaluation}). See {@code docs/inspection-spf.md}.
 */
package org.securemail.ingest.inspect.spf;
