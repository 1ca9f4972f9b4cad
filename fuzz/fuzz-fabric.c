/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* libFuzzer driver for the simulated fabric's JSON (the --simulate file is user input): parse it,
 * build the model from it rule by rule, apply it to the model again as an edit would, free all. */

#include <stdint.h>

#include "sim-fabric.h"
#include "sim-model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(sim_model_freep) SimModel *m = NULL;
        _cleanup_free_ char *text = NULL, *error = NULL;
        SimFabric f = {};

        if (size > 1 << 20)
                return 0;
        text = malloc(size + 1);
        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = 0;

        if (sim_fabric_parse(text, &f, &error) < 0)
                return 0;
        error = mfree(error);
        if (sim_model_new(&m) >= 0 && sim_model_load(m, &f, &error) >= 0)
                (void) sim_model_apply(m, &f);
        sim_fabric_done(&f);
        return 0;
}
