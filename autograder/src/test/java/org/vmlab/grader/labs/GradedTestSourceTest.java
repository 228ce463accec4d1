package org.vmlab.grader.labs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vmlab.grader.Visibility;

/** Which test classes go to the students: those whose graded tests are all visible. */
class GradedTestSourceTest {

    @Test
    void aGradedTestIsVisibleUnlessItSaysOtherwise() {
        GradedTestSource source = GradedTestSource.parse("A.java", """
                @Test
                @Graded(points = 3, number = "0.1", name = "classic (and legacy)")
                void classic() {}
                """);

        assertThat(source.visibilities()).containsExactly(Visibility.VISIBLE);
        assertThat(source.withheld()).isFalse();
    }

    @Test
    void aClassWhoseGradedTestsAreAllHiddenIsWithheld() {
        GradedTestSource source = GradedTestSource.parse("HiddenTest.java", """
                @Graded(points = 3, name = "a name with ) and visibility = VISIBLE in it",
                        visibility = Visibility.HIDDEN)
                void unseen() {}
                @org.vmlab.grader.Graded(points = 2, visibility = org.vmlab.grader.Visibility.AFTER_DUE_DATE)
                void later() {}
                """);

        assertThat(source.visibilities()).containsExactly(Visibility.HIDDEN, Visibility.AFTER_DUE_DATE);
        assertThat(source.withheld()).isTrue();
    }

    @Test
    void aClassWithoutGradedTestsIsOrdinaryCode() {
        assertThat(GradedTestSource.parse("Helper.java", "class Helper {}").withheld()).isFalse();
    }

    @Test
    void aClassThatMixesVisibleAndHiddenTestsIsAnError() {
        GradedTestSource source = GradedTestSource.parse("labs/src/test/java/Lab1Test.java", """
                @Graded(points = 1) void a() {}
                @Graded(points = 1, visibility = HIDDEN) void b() {}
                """);

        assertThatThrownBy(source::withheld).isInstanceOf(HandoutException.class)
                .hasMessage("labs/src/test/java/Lab1Test.java: mixes visible and hidden graded tests; "
                        + "put the hidden ones (HIDDEN, AFTER_DUE_DATE, AFTER_PUBLISHED) in a class of their own");
    }
}
