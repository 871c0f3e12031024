package ai.factory.release;

import java.util.List;
import java.util.Optional;

/** The records an operator's action writes, in order, and the champion once they are all applied. */
public record LedgerDecision(List<Transition> transitions, Optional<ReleaseFacts> championAfter) {

    public LedgerDecision {
        transitions = List.copyOf(transitions);
    }
}
