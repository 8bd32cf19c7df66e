package org.securemail.ingest.inspect.dkim;

/**
 * Stops the evaluation of one signature with its result. Internal control flow only: {@link DkimVerifier} turns it
 * into a {@link DkimSignatureResult}; it never leaves the package.
 */
final class DkimFailure extends RuntimeException {

    private final DkimResult result;

    DkimFailure(DkimResult result, String reason) {
        super(reason, null, false, false);
        this.result = result;
    }

    static DkimFailure permerror(String reason) {
        return new DkimFailure(DkimResult.PERMERROR, reason);
    }

    static DkimFailure fail(String reason) {
        return new DkimFailure(DkimResult.FAIL, reason);
    }

    DkimResult result() {
        return result;
    }
}
