package org.securemail.ingest.inspect.spf;

/**
 * A qualifier and a mechanism.
 *
 * @param qualifier the result when the mechanism matches
 * @param mechanism the mechanism
 * @param text      the term as written in the record, for the outcome and the trace
 */
record Directive(Qualifier qualifier, Mechanism mechanism, String text) {
}
