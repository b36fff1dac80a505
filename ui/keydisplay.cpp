#include "keydisplay.h"

#include "values/editabletext.h"

QString KeyDisplay::escape(QByteArrayView bytes)
{
    return EditableText::escape(bytes, false);
}
