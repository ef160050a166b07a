package org.eventscheduler.topology.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ContentFilterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static boolean matches(String pattern, String data) {
        return ContentFilter.compile(json(pattern), "t").matches(json(data));
    }

    @Test
    void shouldMatchExactValuesAsAnyOf() {
        assertThat(matches("{\"status\":[\"NEW\",\"PENDING\"]}", "{\"status\":\"PENDING\"}")).isTrue();
        assertThat(matches("{\"status\":[\"NEW\",\"PENDING\"]}", "{\"status\":\"DONE\"}")).isFalse();
        assertThat(matches("{\"amount\":[10]}", "{\"amount\":10.0}")).as("numbers by value").isTrue();
        assertThat(matches("{\"vip\":[true]}", "{\"vip\":true}")).isTrue();
        assertThat(matches("{\"status\":[\"NEW\"]}", "{}")).as("absent field").isFalse();
    }

    @Test
    void shouldMatchPrefix() {
        assertThat(matches("{\"region\":[{\"prefix\":\"eu-\"}]}", "{\"region\":\"eu-west-1\"}")).isTrue();
        assertThat(matches("{\"region\":[{\"prefix\":\"eu-\"}]}", "{\"region\":\"us-east-1\"}")).isFalse();
        assertThat(matches("{\"region\":[{\"prefix\":\"1\"}]}", "{\"region\":12}")).as("not a string").isFalse();
    }

    @Test
    void shouldMatchNumericRanges() {
        String range = "{\"amount\":[{\"numeric\":[\">\",100,\"<=\",1000]}]}";
        assertThat(matches(range, "{\"amount\":100}")).isFalse();
        assertThat(matches(range, "{\"amount\":100.01}")).isTrue();
        assertThat(matches(range, "{\"amount\":1000}")).isTrue();
        assertThat(matches(range, "{\"amount\":\"500\"}")).as("a string is not a number").isFalse();
        assertThat(matches("{\"n\":[{\"numeric\":[\"=\",5]}]}", "{\"n\":5}")).isTrue();
    }

    @Test
    void shouldMatchExistence() {
        assertThat(matches("{\"coupon\":[{\"exists\":true}]}", "{\"coupon\":\"X\"}")).isTrue();
        assertThat(matches("{\"coupon\":[{\"exists\":true}]}", "{}")).isFalse();
        assertThat(matches("{\"coupon\":[{\"exists\":false}]}", "{}")).isTrue();
        assertThat(matches("{\"coupon\":[{\"exists\":false}]}", "{\"coupon\":null}")).isFalse();
    }

    @Test
    void shouldMatchAnythingBut() {
        assertThat(matches("{\"env\":[{\"anything-but\":[\"test\",\"dev\"]}]}", "{\"env\":\"prod\"}")).isTrue();
        assertThat(matches("{\"env\":[{\"anything-but\":[\"test\",\"dev\"]}]}", "{\"env\":\"dev\"}")).isFalse();
        assertThat(matches("{\"env\":[{\"anything-but\":\"test\"}]}", "{\"env\":\"prod\"}")).isTrue();
        assertThat(matches("{\"env\":[{\"anything-but\":{\"prefix\":\"test\"}}]}", "{\"env\":\"testing\"}")).isFalse();
        assertThat(matches("{\"env\":[{\"anything-but\":\"test\"}]}", "{}")).as("absent is not anything-but").isFalse();
    }

    @Test
    void shouldMatchNestedFieldsAndArrays() {
        String pattern = "{\"customer\":{\"tier\":[\"gold\"]},\"tags\":[\"urgent\"]}";
        assertThat(matches(pattern, "{\"customer\":{\"tier\":\"gold\"},\"tags\":[\"a\",\"urgent\"]}")).isTrue();
        assertThat(matches(pattern, "{\"customer\":{\"tier\":\"silver\"},\"tags\":[\"urgent\"]}")).isFalse();
        assertThat(matches(pattern, "{\"customer\":\"gold\",\"tags\":[\"urgent\"]}")).isFalse();
    }

    @Test
    void shouldRejectMalformedPatternsNamingTheField() {
        assertThatThrownBy(() -> ContentFilter.compile(json("{\"amount\":[{\"numeric\":[\"~\",1]}]}"), "orders"))
                .isInstanceOf(InvalidTriggerException.class)
                .hasMessage("trigger orders: filter.amount[0].numeric[0]: must be one of = < <= > >=");
        assertThatThrownBy(() -> ContentFilter.compile(json("{\"amount\":5}"), "orders"))
                .hasMessage("trigger orders: filter.amount: must be a nested pattern (object) or a non-empty array of matchers");
        assertThatThrownBy(() -> ContentFilter.compile(json("{\"a\":[{\"suffix\":\"x\"}]}"), "orders"))
                .hasMessageContaining("unknown matcher suffix");
    }
}
