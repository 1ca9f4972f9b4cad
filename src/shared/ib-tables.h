/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ibnet.h"

const char *ib_link_type_to_string(IbLinkType t) _const_;
IbLinkType ib_link_type_from_string(const char *s) _pure_;
const char *ib_mode_to_string(IbMode m) _const_;
IbMode ib_mode_from_string(const char *s) _pure_;
const char *ib_child_method_to_string(IbChildMethod m) _const_;
IbChildMethod ib_child_method_from_string(const char *s) _pure_;
