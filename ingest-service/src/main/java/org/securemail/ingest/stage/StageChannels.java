package org.securemail.ingest.stage;

/** The inspection stage's SmallRye channels (application.properties configures them). */
final class StageChannels {

    /** New mail, from {@code mail.accepted}. */
    static final String IN = "inspect-in";
    /** Parked mail, from {@code inspect.park}. */
    static final String PARK = "inspect-park";
    /** Everything the stage writes: {@code mail.ready} by default, the topic named per record otherwise. */
    static final String OUT = "inspect-out";

    private StageChannels() {
    }
}
