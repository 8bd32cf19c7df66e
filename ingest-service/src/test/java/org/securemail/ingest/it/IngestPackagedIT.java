package org.securemail.ingest.it;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link IngestSmokeTest} against the packaged jar (prod mode, {@code java -jar quarkus-run.jar}) and a real broker. */
@QuarkusIntegrationTest
class IngestPackagedIT extends IngestSmokeTest {
}
