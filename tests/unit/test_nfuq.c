#include "harness.h"
static void test_stub(void)
{
	CHECK(1);
}

int main(void)
{
	RUN(test_stub);
	return harness_done();
}
