package org.eventscheduler.topology.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A content filter on an event's {@code data}, in the style of Amazon EventBridge event patterns. The
 * supported subset:
 *
 * <ul>
 *   <li>the pattern is a JSON object; a key names a field of {@code data}; its value is either a
 *       nested pattern (an object) or an array of matchers;
 *   <li>a field matches when any of its matchers matches (OR); a pattern matches when all its fields
 *       match (AND); a field holding an array matches when any element matches;
 *   <li>matchers: a literal (string, number, boolean, null: equality, numbers compared by value),
 *       {@code {"prefix": "text"}}, {@code {"numeric": [">", 0, "<=", 100]}} (operators
 *       {@code = < <= > >=}, one or two comparisons), {@code {"exists": true|false}},
 *       {@code {"anything-but": literal | [literals] | {"prefix": "text"}}}.
 * </ul>
 *
 * A value of the wrong type does not match; evaluation never throws.
 */
public final class ContentFilter {
    private final List<FieldRule> rules;

    private ContentFilter(List<FieldRule> rules) {
        this.rules = rules;
    }

    /** Compiles a pattern; a malformed one fails naming the field path. */
    static ContentFilter compile(JsonNode pattern, String triggerId) {
        return new ContentFilter(compileObject(pattern, "filter", triggerId));
    }

    private static List<FieldRule> compileObject(JsonNode pattern, String path, String triggerId) {
        if (!pattern.isObject() || pattern.isEmpty()) {
            throw new InvalidTriggerException(triggerId, path, "must be a non-empty object of field patterns");
        }
        List<FieldRule> rules = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = pattern.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String fieldPath = path + "." + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                rules.add(new Nested(field.getKey(), compileObject(value, fieldPath, triggerId)));
            } else if (value.isArray() && !value.isEmpty()) {
                List<Matcher> matchers = new ArrayList<>();
                for (int i = 0; i < value.size(); i++) {
                    matchers.add(compileMatcher(value.get(i), fieldPath + "[" + i + "]", triggerId));
                }
                rules.add(new Leaf(field.getKey(), matchers));
            } else {
                throw new InvalidTriggerException(triggerId, fieldPath,
                        "must be a nested pattern (object) or a non-empty array of matchers");
            }
        }
        return rules;
    }

    private static Matcher compileMatcher(JsonNode spec, String path, String triggerId) {
        if (spec.isValueNode()) {
            return new Equals(spec);
        }
        if (!spec.isObject() || spec.size() != 1) {
            throw new InvalidTriggerException(triggerId, path,
                    "a matcher is a literal or an object with one of prefix, numeric, exists, anything-but");
        }
        String operator = spec.fieldNames().next();
        JsonNode argument = spec.get(operator);
        return switch (operator) {
            case "prefix" -> {
                if (!argument.isTextual()) {
                    throw new InvalidTriggerException(triggerId, path + ".prefix", "must be a string");
                }
                yield new Prefix(argument.asText());
            }
            case "exists" -> {
                if (!argument.isBoolean()) {
                    throw new InvalidTriggerException(triggerId, path + ".exists", "must be true or false");
                }
                yield new Exists(argument.asBoolean());
            }
            case "numeric" -> compileNumeric(argument, path + ".numeric", triggerId);
            case "anything-but" -> compileAnythingBut(argument, path + ".anything-but", triggerId);
            default -> throw new InvalidTriggerException(triggerId, path,
                    "unknown matcher " + operator + "; use prefix, numeric, exists or anything-but");
        };
    }

    private static Matcher compileNumeric(JsonNode argument, String path, String triggerId) {
        if (!argument.isArray() || (argument.size() != 2 && argument.size() != 4)) {
            throw new InvalidTriggerException(triggerId, path, "must be [op, number] or [op, number, op, number]");
        }
        List<Comparison> comparisons = new ArrayList<>();
        for (int i = 0; i < argument.size(); i += 2) {
            JsonNode op = argument.get(i);
            JsonNode number = argument.get(i + 1);
            if (!op.isTextual() || !List.of("=", "<", "<=", ">", ">=").contains(op.asText())) {
                throw new InvalidTriggerException(triggerId, path + "[" + i + "]", "must be one of = < <= > >=");
            }
            if (!number.isNumber()) {
                throw new InvalidTriggerException(triggerId, path + "[" + (i + 1) + "]", "must be a number");
            }
            comparisons.add(new Comparison(op.asText(), number.decimalValue()));
        }
        return new Numeric(comparisons);
    }

    private static Matcher compileAnythingBut(JsonNode argument, String path, String triggerId) {
        if (argument.isValueNode()) {
            return new Not(List.of(new Equals(argument)));
        }
        if (argument.isArray() && !argument.isEmpty()) {
            List<Matcher> excluded = new ArrayList<>();
            for (JsonNode value : argument) {
                if (!value.isValueNode()) {
                    throw new InvalidTriggerException(triggerId, path, "must list literals only");
                }
                excluded.add(new Equals(value));
            }
            return new Not(excluded);
        }
        if (argument.isObject() && argument.size() == 1 && argument.has("prefix") && argument.get("prefix").isTextual()) {
            return new Not(List.of(new Prefix(argument.get("prefix").asText())));
        }
        throw new InvalidTriggerException(triggerId, path, "must be a literal, an array of literals, or {\"prefix\": text}");
    }

    /** Whether {@code data} matches; a missing or non-object {@code data} matches only absence tests. */
    public boolean matches(JsonNode data) {
        return matchesAll(rules, data);
    }

    private static boolean matchesAll(List<FieldRule> rules, JsonNode node) {
        for (FieldRule rule : rules) {
            JsonNode value = node != null && node.isObject() ? node.get(rule.name()) : null;
            if (!rule.matches(value)) {
                return false;
            }
        }
        return true;
    }

    private sealed interface FieldRule permits Leaf, Nested {
        String name();

        boolean matches(JsonNode value);
    }

    private record Nested(String name, List<FieldRule> rules) implements FieldRule {
        @Override
        public boolean matches(JsonNode value) {
            return matchesAll(rules, value);
        }
    }

    private record Leaf(String name, List<Matcher> matchers) implements FieldRule {
        @Override
        public boolean matches(JsonNode value) {
            for (Matcher matcher : matchers) {
                if (matcher instanceof Exists exists) {
                    if (exists.present() == (value != null && !value.isMissingNode())) {
                        return true;
                    }
                } else if (value != null && value.isArray()) {
                    for (JsonNode element : value) {
                        if (matcher.test(element)) {
                            return true;
                        }
                    }
                } else if (value != null && matcher.test(value)) {
                    return true;
                }
            }
            return false;
        }
    }

    private sealed interface Matcher permits Equals, Prefix, Exists, Numeric, Not {
        boolean test(JsonNode value);
    }

    private record Equals(JsonNode expected) implements Matcher {
        @Override
        public boolean test(JsonNode value) {
            if (expected.isNumber() && value.isNumber()) {
                return expected.decimalValue().compareTo(value.decimalValue()) == 0;
            }
            return expected.equals(value);
        }
    }

    private record Prefix(String prefix) implements Matcher {
        @Override
        public boolean test(JsonNode value) {
            return value.isTextual() && value.asText().startsWith(prefix);
        }
    }

    private record Exists(boolean present) implements Matcher {
        @Override
        public boolean test(JsonNode value) {
            return present;
        }
    }

    private record Comparison(String operator, BigDecimal operand) {
        boolean test(BigDecimal value) {
            int c = value.compareTo(operand);
            return switch (operator) {
                case "=" -> c == 0;
                case "<" -> c < 0;
                case "<=" -> c <= 0;
                case ">" -> c > 0;
                default -> c >= 0;
            };
        }
    }

    private record Numeric(List<Comparison> comparisons) implements Matcher {
        @Override
        public boolean test(JsonNode value) {
            if (!value.isNumber()) {
                return false;
            }
            BigDecimal number = value.decimalValue();
            for (Comparison comparison : comparisons) {
                if (!comparison.test(number)) {
                    return false;
                }
            }
            return true;
        }
    }

    private record Not(List<Matcher> excluded) implements Matcher {
        @Override
        public boolean test(JsonNode value) {
            for (Matcher matcher : excluded) {
                if (matcher.test(value)) {
                    return false;
                }
            }
            return value.isValueNode();
        }
    }
}
