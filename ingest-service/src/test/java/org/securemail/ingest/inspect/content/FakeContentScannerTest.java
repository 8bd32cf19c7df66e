package org.securemail.ingest.inspect.content;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.securemail.ingest.inspect.content.ScanVerdict.Action;

class FakeContentScannerTest implements ContentScannerContract {

    private final FakeContentScanner scanner = new FakeContentScanner(MAX_MESSAGE_BYTES);

    @Override
    public ContentScanner scanner() {
        return scanner;
    }

    @Override
    public ContentScanner unavailableScanner() {
        return new FakeContentScanner(MAX_MESSAGE_BYTES).failWith(ScanProblem.UNREACHABLE);
    }

    @Test
    void recordsWhatReachedTheScannerButNotWhatWasSkipped() {
        scanner.scan(ContentScannerContract.request("small")).await().indefinitely();
        scanner.scan(ContentScannerContract.request(new byte[(int) MAX_MESSAGE_BYTES + 1])).await().indefinitely();
        assertThat(scanner.scanned()).singleElement()
                .satisfies(r -> assertThat(new String(r.message())).contains("small"));
    }

    @Test
    void worksAgainAfterFailing() {
        scanner.failWith(ScanProblem.TIMEOUT);
        assertThat(scanner.scan(ContentScannerContract.request("x")).await().indefinitely().problem())
                .isEqualTo(ScanProblem.TIMEOUT);
        scanner.failWith(null);
        assertThat(scanner.scan(ContentScannerContract.request("x")).await().indefinitely().action())
                .isEqualTo(Action.ACCEPT);
    }
}
