package org.securemail.ingest.inspect.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TagListTest {

    @Test
    void foldingWhitespaceAroundNamesEqualsAndValuesIsDropped() {
        TagList tags = TagList.parse(" v = 1 ;\r\n\ta=rsa-sha256;\r\n h = from : to ; ");

        assertThat(tags.required("v")).isEqualTo("1");
        assertThat(tags.required("a")).isEqualTo("rsa-sha256");
        assertThat(tags.required("h")).isEqualTo("from : to");
        assertThat(tags.order()).containsExactly("v", "a", "h");
    }

    @Test
    void duplicateTagMakesTheWholeListInvalid() {
        assertThatThrownBy(() -> TagList.parse("v=1; d=a.example; d=b.example"))
                .isInstanceOf(DkimFailure.class).hasMessageContaining("duplicate tag d");
    }

    @Test
    void trailingSemicolonAndEmptyValueAreAllowed() {
        TagList tags = TagList.parse("v=DKIM1; p=;");

        assertThat(tags.required("p")).isEmpty();
    }

    @Test
    void entryWithoutEqualsIsInvalid() {
        assertThatThrownBy(() -> TagList.parse("v=DKIM1; bogus")).isInstanceOf(DkimFailure.class);
    }

    @Test
    void tagNameMustStartWithALetter() {
        assertThatThrownBy(() -> TagList.parse("1a=x")).isInstanceOf(DkimFailure.class);
        assertThatThrownBy(() -> TagList.parse("a-b=x")).isInstanceOf(DkimFailure.class);
    }

    @Test
    void controlCharacterInValueIsInvalid() {
        assertThatThrownBy(() -> TagList.parse("a=x\u0001y")).isInstanceOf(DkimFailure.class);
    }

    @Test
    void tagNamesAreCaseSensitive() {
        TagList tags = TagList.parse("V=1; v=2");

        assertThat(tags.required("v")).isEqualTo("2");
        assertThat(tags.required("V")).isEqualTo("1");
    }

    @Test
    void base64ValuesLoseAllInnerWhitespace() {
        assertThat(TagList.stripFws("ab c\r\n\tde")).isEqualTo("abcde");
    }
}
