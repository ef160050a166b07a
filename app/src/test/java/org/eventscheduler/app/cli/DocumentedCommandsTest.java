package org.eventscheduler.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every {@code ./scheduler} command in a code block of the README or the docs parses with the real
 * command line (options, required arguments), so that a reader can paste it: the docs once showed
 * {@code triggers apply FILE --config ...}, which the command refuses.
 */
class DocumentedCommandsTest {
    /**
     * Commands the launcher script runs itself (Maven), not the Java command line, and {@code demo}, which
     * the launcher runs from the demo module (its own test checks it), not from the product's command line.
     */
    private static final Set<String> LAUNCHER_COMMANDS = Set.of("test", "soak", "bench", "demo");

    record Documented(Path file, int line, String command) {
    }

    @Test
    void everyDocumentedCommandParses() throws IOException {
        List<Documented> commands = documentedCommands();
        assertThat(commands).as("commands found in the docs").hasSizeGreaterThanOrEqualTo(25);
        List<String> refused = new ArrayList<>();
        for (Documented documented : commands) {
            List<String> args = words(documented.command());
            if (LAUNCHER_COMMANDS.contains(args.getFirst())) {
                continue;
            }
            try {
                new CommandLine(new SchedulerCommand()).parseArgs(args.toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                refused.add(documented.file() + ":" + documented.line() + ": ./scheduler " + documented.command()
                        + " -> " + e.getMessage());
            }
        }
        assertThat(refused).isEmpty();
    }

    /** The {@code ./scheduler ...} lines (also after a {@code $} prompt) inside fenced code blocks. */
    private static List<Documented> documentedCommands() throws IOException {
        List<Path> files = new ArrayList<>(List.of(Path.of("../README.md")));
        try (Stream<Path> docs = Files.walk(Path.of("../docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<Documented> commands = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            boolean inBlock = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.startsWith("```")) {
                    inBlock = !inBlock;
                    continue;
                }
                if (line.startsWith("$ ")) {
                    line = line.substring(2);
                }
                if (inBlock && line.startsWith("./scheduler ")) {
                    commands.add(new Documented(file, i + 1, line.substring("./scheduler ".length())));
                }
            }
        }
        return commands;
    }

    /**
     * The words of a shell command line: quotes group, a comment or a pipe, redirection or command
     * separator ends it. Variables stay as written ({@code "$TOKEN"} is one word).
     */
    static List<String> words(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else if (c == '#' && !inWord || c == '|' || c == '>' || c == ';' || c == '&') {
                break;
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
