package ai.factory.cli;

import java.io.PrintWriter;
import java.util.List;

import ai.factory.topics.TopicAdmin;

/** Prints what topic creation did, one aligned line per topic. */
final class TopicTable {

    private TopicTable() {
    }

    static void print(PrintWriter out, List<TopicAdmin.Outcome> outcomes) {
        int width = outcomes.stream().mapToInt(o -> o.topic().length()).max().orElse(5);
        for (TopicAdmin.Outcome o : outcomes) {
            String action = o.action() == TopicAdmin.Action.CREATED ? "created" : "exists ";
            out.printf("%s  %-" + width + "s  %2d partition%s%s%n", action, o.topic(), o.partitions(),
                    o.partitions() == 1 ? " " : "s", o.note().isEmpty() ? "" : "  ! " + o.note());
        }
        long created = outcomes.stream().filter(o -> o.action() == TopicAdmin.Action.CREATED).count();
        out.printf("%d created, %d already existed%n", created, outcomes.size() - created);
    }
}
