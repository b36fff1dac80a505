#pragma once

#include <QMessageBox>

// Asks a yes/no question, in plain text: names and addresses in it come from the user and the servers, never markup.
inline bool askPlainQuestion(QWidget *parent, const QString &question)
{
    QMessageBox box(QMessageBox::Question, QObject::tr("Vigil"), question, QMessageBox::Yes | QMessageBox::No, parent);
    box.setTextFormat(Qt::PlainText);
    return box.exec() == QMessageBox::Yes;
}
