package io.gregor.orchestrator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTest {

    @Test
    void textAndAttributeValuesAreEscapedSoNoValueCanOpenATagOrLeaveItsAttribute() {
        // given
        String hostile = "\"><script>alert('x')</script>&";

        // when
        String html = new Html().open("a", "href", "/ui/workflows/" + hostile, "title", hostile).text(hostile).close("a").toString();

        // then
        assertThat(html).doesNotContain("<script>")
                .isEqualTo("<a href=\"/ui/workflows/&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;\""
                        + " title=\"&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;\">"
                        + "&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</a>");
    }

    @Test
    void aNullAttributeIsLeftOutAndAnEmptyOneIsWrittenBare() {
        // when
        String html = new Html().open("input", "name", "x", "required", "", "max", null).toString();

        // then
        assertThat(html).isEqualTo("<input name=\"x\" required>");
    }
}
