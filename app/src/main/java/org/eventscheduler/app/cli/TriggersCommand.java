package org.eventscheduler.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.eventscheduler.app.config.ConfigLoader;
import org.eventscheduler.app.kafka.TriggerPublisher;
import org.eventscheduler.topology.trigger.TriggerDefinition;
import org.eventscheduler.topology.trigger.TriggerDefinitions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ./scheduler triggers list | apply FILE}, through the admin API. */
@Command(name = "triggers", description = "List and apply trigger definitions.",
        subcommands = {TriggersCommand.ListTriggers.class, TriggersCommand.Apply.class})
final class TriggersCommand {

    @Command(name = "list", description = "The trigger definitions and whether each is valid.")
    static final class ListTriggers implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Override
        public Integer call() {
            JsonNode triggers = api.client().get("/admin/triggers");
            if (api.json) {
                OperatorCommands.printJson(System.out, triggers);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            triggers.forEach(t -> {
                JsonNode d = t.path("definition");
                String source = d.has("source") ? d.path("source").asText()
                        : d.has("source-prefix") ? d.path("source-prefix").asText() + "*" : "*";
                String type = d.has("type") ? d.path("type").asText() : d.path("type-prefix").asText() + "*";
                rows.add(List.of(t.path("id").asText(), t.path("status").asText(), OperatorCommands.text(d.path("workflow")),
                        source, type, OperatorCommands.text(t.path("problem"))));
            });
            Tables.print(System.out, List.of("ID", "STATUS", "WORKFLOW", "SOURCE", "TYPE", "PROBLEM"), rows);
            return 0;
        }
    }

    @Command(name = "apply", description = "Validate every definition of a YAML file (one invalid: nothing is written), "
            + "then write each through the admin API.")
    static final class Apply implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Parameters(paramLabel = "FILE", description = "YAML: a list of trigger definitions, or a 'triggers' list.")
        Path file;

        @Override
        public Integer call() {
            var defaults = ConfigLoader.load(Optional.empty(), Map.of()).triggers().defaults();
            List<TriggerDefinition> definitions = TriggerPublisher.read(file, defaults);
            AdminClient client = api.client();
            for (TriggerDefinition definition : definitions) {
                client.put("/admin/triggers/" + definition.id(), TriggerDefinitions.toTree(definition));
            }
            System.out.println("applied " + definitions.size() + " triggers: "
                    + String.join(", ", definitions.stream().map(TriggerDefinition::id).toList()));
            return 0;
        }
    }
}
